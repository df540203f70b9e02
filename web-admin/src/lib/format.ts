// Words for numbers a person reads at a glance in the device list, in the
// page's language.
import { lang, t } from '../i18n';
import type { GatewayAnswer } from '../types';

export function ago(unixSeconds: number, nowMs: number = Date.now()): string {
  const f = t.format;
  if (!unixSeconds) return f.never;
  const s = Math.max(0, Math.round(nowMs / 1000 - unixSeconds));
  if (s < 60) return f.secondsAgo(s);
  const m = Math.floor(s / 60);
  if (m < 60) return f.minutesAgo(m);
  const h = Math.floor(m / 60);
  if (h < 48) return f.hoursAgo(h);
  return f.daysAgo(Math.floor(h / 24));
}

export function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const number = unit === 0 ? String(value) : value.toLocaleString(lang(), { maximumFractionDigits: value < 10 ? 1 : 0 });
  return `${number} ${units[unit]}`;
}

export function dateTime(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toLocaleString(lang());
}

// "in 3 days" / "expired" for an expiry time.
export function expiry(unixSeconds: number | null, nowMs: number = Date.now()): string {
  const f = t.format;
  if (unixSeconds === null) return f.neverExpires;
  const s = unixSeconds - nowMs / 1000;
  if (s <= 0) return f.expired;
  if (s < 3600) return f.expiresMinutes(Math.ceil(s / 60));
  if (s < 48 * 3600) return f.expiresHours(Math.round(s / 3600));
  return f.expiresDays(Math.round(s / 86400));
}

// One line per gateway host for a change's answer; '' on a single box.
export function gatewaySummary(answers: GatewayAnswer[] | undefined): string {
  const f = t.format;
  return (answers ?? [])
    .map((a) =>
      a.outcome === 'applied'
        ? f.gatewayApplied(a.name, a.ms ?? 0)
        : a.outcome === 'failed'
          ? f.gatewayFailed(a.name, a.error ?? '')
          : f.gatewayUnreachable(a.name),
    )
    .join('; ');
}
