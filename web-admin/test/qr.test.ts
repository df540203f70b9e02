// The QR path must decode to exactly the text: drawn to a PBM image and read
// back by zbarimg, the decoder the integration tests use.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { qrPath } from '../src/components/qr_code';

function toPbm(size: number, d: string, scale = 4): string {
  const grid = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  for (const m of d.matchAll(/M(\d+) (\d+)h(\d+)/g)) {
    const [x, y, w] = [Number(m[1]), Number(m[2]), Number(m[3])];
    for (let i = 0; i < w; i++) grid[y][x + i] = 1;
  }
  const rows: string[] = [];
  for (const row of grid) {
    const line = row.map((v) => String(v).repeat(scale)).join('');
    for (let s = 0; s < scale; s++) rows.push(line);
  }
  return `P1\n${size * scale} ${size * scale}\n${rows.join('\n')}\n`;
}

describe('QR code', () => {
  it('decodes with zbarimg to the exact config text, quiet zone included', () => {
    const text =
      '[Interface]\nPrivateKey = 4Nwq7j8zKJ6b5QWl3yM8y0ZxuKjC1t2wSYzNtmq9a2s=\nAddress = 10.77.0.2/32, fd77:77::2/128\n' +
      'DNS = 10.77.0.1, fd77:77::1\n\n[Peer]\nPublicKey = HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw=\n' +
      'PresharedKey = FpCyhws9cxwWoV4xELtfJvjJN+zQVRPISllRWgeopVE=\nEndpoint = vpn.example.org:51820\n' +
      'AllowedIPs = 0.0.0.0/0, ::/0\nPersistentKeepalive = 25\n';
    const { size, d } = qrPath(text);
    expect(d.startsWith('M4 4')).toBe(true); // the finder pattern sits inside the quiet zone
    const dir = mkdtempSync(join(tmpdir(), 'picket-qr-'));
    try {
      writeFileSync(join(dir, 'qr.pbm'), toPbm(size, d));
      const decoded = execFileSync('zbarimg', ['--raw', '-q', '-Sdisable', '-Sqrcode.enable', join(dir, 'qr.pbm')], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      // zbarimg ends its output with one newline of its own.
      expect(decoded.replace(/\n$/, '')).toBe(text);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
