/** Splits a VPC CIDR into `count` equal subnets (rounded up to a power of two). */
export function splitCidr(cidr: string, count: number): string[] {
  const [address, prefixText] = cidr.split("/");
  const prefix = Number(prefixText);
  const bits = Math.ceil(Math.log2(Math.max(count, 1)));
  const subnetPrefix = prefix + bits;
  if (subnetPrefix > 28) throw new Error(`${cidr} is too small for ${count} subnets`);
  const base = (address ?? "").split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
  const size = 2 ** (32 - subnetPrefix);
  return Array.from({ length: count }, (_, i) => {
    const start = base + i * size;
    const octets = [24, 16, 8, 0].map((shift) => Math.floor(start / 2 ** shift) % 256);
    return `${octets.join(".")}/${subnetPrefix}`;
  });
}
