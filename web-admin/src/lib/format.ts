// Words for numbers a person reads at a glance in the device list.

export function ago(unixSeconds: number, nowMs: number = Date.now()): string {
  if (!unixSeconds) return 'never';
  const s = Math.max(0, Math.round(nowMs / 1000 - unixSeconds));
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.floor(h / 24)} days ago`;
}

export function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function dateTime(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toLocaleString();
}

// "in 3 days" / "expired" for an expiry time.
export function expiry(unixSeconds: number | null, nowMs: number = Date.now()): string {
  if (unixSeconds === null) return 'never expires';
  const s = unixSeconds - nowMs / 1000;
  if (s <= 0) return 'expired';
  if (s < 3600) return `expires in ${Math.ceil(s / 60)} min`;
  if (s < 48 * 3600) return `expires in ${Math.round(s / 3600)} h`;
  return `expires in ${Math.round(s / 86400)} days`;
}
