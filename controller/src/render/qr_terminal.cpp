#include <string>

#include "picket/controller/render.hpp"
#include "render/qr.hpp"

namespace picket::controller {

namespace {

int width_of(const qrcodegen::QrCode& qr) {
  return qr.getSize() + 2 * kQuietZone;
}

// MEDIUM (15% recoverable) first: it survives glare and moiré when a phone
// films a screen. A code that wraps in the terminal cannot be read at all,
// so when the MEDIUM symbol is wider than the terminal, LOW (7%, what
// `qrencode`, the tool WireGuard's own documentation uses, writes by
// default) is the price of one that fits; the quiet zone stays at four
// modules, because the terminal around the code may be dark. Measured with
// zbarimg on an 80-column wrapping terminal (tests/integration/
// config_delivery.sh): the default config of 361 bytes is version 14 at
// MEDIUM, 81 columns, and wraps; at LOW it is version 12, 73 columns.
qrcodegen::QrCode terminal_symbol(std::string_view text, int max_columns) {
  try {
    auto medium = encode_qr(text, qrcodegen::QrCode::Ecc::MEDIUM);
    if (width_of(medium) <= max_columns) return medium;
  } catch (const std::runtime_error&) {
    // Too long for MEDIUM at any version; LOW holds about a quarter more.
  }
  return encode_qr(text, qrcodegen::QrCode::Ecc::LOW);
}

}  // namespace

int qr_terminal_width(std::string_view text, int max_columns) {
  return width_of(terminal_symbol(text, max_columns));
}

// Each text line carries two module rows: the upper half block for the top
// one, the lower half block for the bottom one. Dark modules are drawn as
// glyph ink, on the assumption of dark text on a light background, so the
// symbol has the polarity the standard specifies and every scanner reads
// it. On a light-on-dark terminal the code comes out inverted, which some
// scanners refuse; the CLI forces black on white on a terminal.
std::string render_qr_terminal(std::string_view text, int max_columns) {
  const qrcodegen::QrCode qr = terminal_symbol(text, max_columns);
  if (width_of(qr) > max_columns) throw QrTooWide(width_of(qr), max_columns);
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

QrTooWide::QrTooWide(int needed, int available)
    : std::runtime_error("the QR code is " + std::to_string(needed) +
                         " columns wide and the terminal has " + std::to_string(available)),
      columns(needed) {}

}  // namespace picket::controller
