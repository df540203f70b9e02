// A QR code drawn as one SVG path (no image, no inline style: the CSP allows
// neither data: URLs nor style attributes). uqr is a TypeScript port of
// nayuki's QR Code generator, the library picket's CLI uses.
import { encode } from 'uqr';
import { useMemo } from 'preact/hooks';

// The 4-module quiet zone the QR standard asks for; scanners need it.
const QUIET = 4;

export function qrPath(text: string): { size: number; d: string } {
  const qr = encode(text, { ecc: 'M', border: QUIET });
  let d = '';
  qr.data.forEach((row, y) => {
    let x = 0;
    while (x < row.length) {
      if (!row[x]) {
        x++;
        continue;
      }
      const start = x;
      while (x < row.length && row[x]) x++;
      d += `M${start} ${y}h${x - start}v1h${start - x}z`;
    }
  });
  return { size: qr.size, d };
}

export function QrCode({ text, label }: { text: string; label: string }) {
  const { size, d } = useMemo(() => qrPath(text), [text]);
  return (
    <svg
      class="qr"
      viewBox={`0 0 ${size} ${size}`}
      role="img"
      aria-label={label}
      shape-rendering="crispEdges"
      data-testid="qr"
    >
      <rect width={size} height={size} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  );
}
