// Runs the C++ test helper (tests/browser/render_config.cpp). Its path comes
// from CTest (PICKET_RENDER_TOOL); without it these tests fail rather than
// pass vacuously.
import { execFileSync } from 'node:child_process';

export function renderTool(): string {
  const tool = process.env.PICKET_RENDER_TOOL;
  if (!tool) {
    throw new Error(
      'PICKET_RENDER_TOOL is not set: run these tests through ctest (or set it to build/tests/browser/picket_render_config)',
    );
  }
  return tool;
}

export function cppRender(answer: unknown, privateKey: string): string {
  return execFileSync(renderTool(), ['config'], {
    input: JSON.stringify({ answer, private_key: privateKey }),
    encoding: 'utf8',
  });
}

export function cppPublicKey(privateKey: string): string {
  return execFileSync(renderTool(), ['pubkey'], { input: privateKey, encoding: 'utf8' }).trim();
}

export function cppLimits(): { max_split_entries: number; qr_max_bytes: number } {
  return JSON.parse(execFileSync(renderTool(), ['limits'], { input: '', encoding: 'utf8' }));
}
