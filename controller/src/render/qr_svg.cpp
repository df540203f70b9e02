#include <string>

#include "picket/controller/render.hpp"
#include "render/qr.hpp"

namespace picket::controller {

// One path of horizontal runs ("M x,y h w v1 h -w z" per run) in module
// units, on a white rectangle covering the quiet zone so the code stays
// scannable on a dark page. crispEdges stops anti-aliasing from blurring
// module borders when the image is scaled. The physical size (kSvgModuleMm
// per module) is what viewers, printers and rsvg-convert draw without being
// told a size; a viewBox alone renders one pixel per module, which no
// decoder reads.
std::string render_qr_svg(std::string_view text) {
  const qrcodegen::QrCode qr = encode_qr(text);
  const int size = qr.getSize();
  const int modules = size + 2 * kQuietZone;
  const std::string dimension = std::to_string(modules);
  const std::string physical = std::to_string(modules * kSvgModuleMm) + "mm";

  std::string path;
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size;) {
      if (!dark_module(qr, x, y)) {
        ++x;
        continue;
      }
      int run = 1;
      while (x + run < size && dark_module(qr, x + run, y)) ++run;
      path += "M" + std::to_string(x + kQuietZone) + "," + std::to_string(y + kQuietZone) + "h" +
              std::to_string(run) + "v1h-" + std::to_string(run) + "z";
      x += run;
    }
  }

  std::string svg;
  svg += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" + physical +
         "\" height=\"" + physical + "\" viewBox=\"0 0 " + dimension + " " + dimension +
         "\" shape-rendering=\"crispEdges\">\n";
  svg += "<rect width=\"" + dimension + "\" height=\"" + dimension + "\" fill=\"#ffffff\"/>\n";
  svg += "<path d=\"" + path + "\" fill=\"#000000\"/>\n";
  svg += "</svg>\n";
  return svg;
}

}  // namespace picket::controller
