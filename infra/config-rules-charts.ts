/** Cross-key rules for the chart source (infra/charts.ts checks the local folder's contents). */
import type { ConfigProblem } from "./config-rules";
import type { StackConfigInput } from "./config-schema";

type Rule = (config: StackConfigInput) => ConfigProblem[];

export const chartSource: Rule = (config) => {
  const charts = config.charts;
  if (!charts) return [];
  const problems: ConfigProblem[] = [];
  if (charts.localDir && charts.repository) {
    problems.push({
      path: ["charts", "repository"],
      message: "cannot be set together with charts.localDir; keep the one the cluster's charts come from",
    });
  }
  if (charts.acceptNearestCharts && !charts.localDir) {
    problems.push({
      path: ["charts", "acceptNearestCharts"],
      message: "applies only to charts.localDir (a mirror serves exactly the pinned versions); remove it",
    });
  }
  if (charts.acceptNearestCharts && config.tier !== "dev") {
    problems.push({
      path: ["charts", "acceptNearestCharts"],
      message: `deploys charts other than the pinned ones and is refused in ${config.tier}; unpack the pinned versions`,
    });
  }
  return problems;
};
