#pragma once

#include <qrcodegen/qrcodegen.hpp>
#include <string_view>

namespace picket::controller {

// Modules of light margin around the symbol; ISO/IEC 18004 asks for four and
// phone scanners struggle with less, all the more when the terminal around
// the code is dark.
inline constexpr int kQuietZone = 4;

// Encodes `text` at `ecc` or better (qrcodegen raises the level for free
// while the same version has room). Throws std::runtime_error when it does
// not fit in a version 40 symbol.
qrcodegen::QrCode encode_qr(std::string_view text,
                            qrcodegen::QrCode::Ecc ecc = qrcodegen::QrCode::Ecc::MEDIUM);

// Whether the module at (x, y) is dark, with the quiet zone around the
// symbol: coordinates run from -kQuietZone to size + kQuietZone - 1.
bool dark_module(const qrcodegen::QrCode& qr, int x, int y);

}  // namespace picket::controller
