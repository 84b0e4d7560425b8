/** Small IPv4 CIDR helpers for config validation (overlap and breadth checks). */

export interface Ipv4Range {
  readonly first: number;
  readonly last: number;
  readonly prefix: number;
}

const cidrPattern = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; returns undefined when it is not a canonical IPv4 CIDR. */
export function parseCidr(cidr: string): Ipv4Range | undefined {
  const match = cidrPattern.exec(cidr);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  // Host bits must be zero: "10.0.0.1/16" is almost always a typo for "10.0.0.0/16".
  if (address % size !== 0) return undefined;
  return { first: address, last: address + size - 1, prefix };
}

export function cidrsOverlap(a: Ipv4Range, b: Ipv4Range): boolean {
  return a.first <= b.last && b.first <= a.last;
}
