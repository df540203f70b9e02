#include <string>

#include "picket/controller/render.hpp"
#include "render/qr.hpp"

namespace picket::controller {

// Each text line carries two module rows: the upper half block for the top
// one, the lower half block for the bottom one. Dark modules are drawn as
// glyph ink, on the assumption of dark text on a light background, so the
// symbol has the polarity the standard specifies and every scanner reads
// it. On a light-on-dark terminal the code comes out inverted, which some
// scanners refuse; the CLI should offer the SVG file in that case.
std::string render_qr_terminal(std::string_view text) {
  const qrcodegen::QrCode qr = encode_qr(text);
  const int first = -kQuietZone;
  const int end = qr.getSize() + kQuietZone;
  std::string out;
  for (int y = first; y < end; y += 2) {
    for (int x = first; x < end; ++x) {
      const bool top = dark_module(qr, x, y);
      // With an odd row count the last line's lower half is quiet zone.
      const bool bottom = y + 1 < end && dark_module(qr, x, y + 1);
      if (top && bottom) {
        out += "\u2588";  // █
      } else if (top) {
        out += "\u2580";  // ▀
      } else if (bottom) {
        out += "\u2584";  // ▄
      } else {
        out += ' ';
      }
    }
    out += '\n';
  }
  return out;
}

}  // namespace picket::controller
