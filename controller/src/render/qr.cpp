#include "render/qr.hpp"

#include <stdexcept>
#include <string>

namespace picket::controller {

qrcodegen::QrCode encode_qr(std::string_view text) {
  if (text.find('\0') != std::string_view::npos) {
    throw std::runtime_error("the text for the QR code contains a NUL byte");
  }
  // MEDIUM (15% recoverable) survives glare and moiré when a phone films a
  // screen; HIGH would push a full config to a version whose modules get too
  // small on a phone screen. encodeText boosts the level for free whenever
  // the same version has room.
  try {
    return qrcodegen::QrCode::encodeText(std::string(text).c_str(), qrcodegen::QrCode::Ecc::MEDIUM);
  } catch (const qrcodegen::data_too_long&) {
    throw std::runtime_error("the text is too long for a QR code (" + std::to_string(text.size()) +
                             " bytes); shorten the split-tunnel list or the endpoint");
  }
}

bool dark_module(const qrcodegen::QrCode& qr, int x, int y) {
  // getModule already answers false outside the symbol, which is exactly
  // the light quiet zone.
  return qr.getModule(x, y);
}

}  // namespace picket::controller
