#include "render/qr.hpp"

#include <stdexcept>
#include <string>

namespace picket::controller {

qrcodegen::QrCode encode_qr(std::string_view text, qrcodegen::QrCode::Ecc ecc) {
  if (text.find('\0') != std::string_view::npos) {
    throw std::runtime_error("the text for the QR code contains a NUL byte");
  }
  try {
    return qrcodegen::QrCode::encodeText(std::string(text).c_str(), ecc);
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
