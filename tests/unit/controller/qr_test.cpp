#include <stdio.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cctype>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "picket/controller/render.hpp"
#include "render_fixture.hpp"
#include "temp_dir.hpp"

using picket::controller::kMaxSplitEntries;
using picket::controller::kQrMaxBytes;
using picket::controller::kTerminalColumns;
using picket::controller::qr_terminal_width;
using picket::controller::QrTooWide;
using picket::controller::render_client_config;
using picket::controller::render_qr_svg;
using picket::controller::render_qr_terminal;
using picket::controller::test::default_config;
using picket::controller::test::largest_config;
using picket::controller::test::TempDir;
using picket::controller::test::worst_case_config;

namespace {

using Bitmap = std::vector<std::vector<bool>>;  // [row][column], true = dark

// Reads the terminal rendering back into modules: each character is two
// module rows, per the half-block glyph.
Bitmap bitmap_from_terminal(const std::string& text) {
  Bitmap rows;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::vector<bool> top;
    std::vector<bool> bottom;
    for (std::size_t i = 0; i < line.size();) {
      if (line[i] == ' ') {
        top.push_back(false), bottom.push_back(false), ++i;
        continue;
      }
      const std::string glyph = line.substr(i, 3);
      if (glyph == "\u2588") {
        top.push_back(true), bottom.push_back(true);
      } else if (glyph == "\u2580") {
        top.push_back(true), bottom.push_back(false);
      } else if (glyph == "\u2584") {
        top.push_back(false), bottom.push_back(true);
      } else {
        FAIL("unexpected character in the terminal QR code at byte " << i);
      }
      i += 3;
    }
    rows.push_back(top);
    rows.push_back(bottom);
  }
  return rows;
}

// The text between `before` and the next `after`, after the first `before`.
std::string between(const std::string& text, const std::string& before, const std::string& after) {
  const auto start = text.find(before);
  REQUIRE(start != std::string::npos);
  const auto end = text.find(after, start + before.size());
  REQUIRE(end != std::string::npos);
  return text.substr(start + before.size(), end - start - before.size());
}

// Reads a decimal number at `pos` and moves past it.
int number_at(const std::string& text, std::size_t& pos) {
  const std::size_t start = pos;
  while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) ++pos;
  REQUIRE(pos > start);
  return std::stoi(text.substr(start, pos - start));
}

void expect_at(const std::string& text, std::size_t& pos, const std::string& literal) {
  REQUIRE(text.compare(pos, literal.size(), literal) == 0);
  pos += literal.size();
}

// Fills the run rectangles of render_qr_svg's single path. Only the shape
// the renderer emits is understood ("Mx,yh<w>v1h-<w>z"); anything else in
// the path fails the test, so this doubles as a structure check. (No
// std::regex: libstdc++'s recursion overflows the stack on a long path.)
Bitmap bitmap_from_svg(const std::string& svg) {
  const std::string view_box = between(svg, "viewBox=\"", "\"");
  std::size_t pos = 0;
  expect_at(view_box, pos, "0 0 ");
  const int width = number_at(view_box, pos);
  expect_at(view_box, pos, " ");
  REQUIRE(number_at(view_box, pos) == width);
  REQUIRE(pos == view_box.size());

  const std::string path = between(svg, "<path d=\"", "\" fill=\"#000000\"/>");
  Bitmap rows(static_cast<std::size_t>(width), std::vector<bool>(static_cast<std::size_t>(width)));
  pos = 0;
  while (pos < path.size()) {
    expect_at(path, pos, "M");
    const int x = number_at(path, pos);
    expect_at(path, pos, ",");
    const int y = number_at(path, pos);
    expect_at(path, pos, "h");
    const int length = number_at(path, pos);
    expect_at(path, pos, "v1h-");
    REQUIRE(number_at(path, pos) == length);
    expect_at(path, pos, "z");
    REQUIRE(x + length <= width);
    REQUIRE(y < width);
    for (int i = 0; i < length; ++i) rows[y][x + i] = true;
  }
  return rows;
}

// A plain PBM, each module `scale` pixels wide, for zbarimg.
void write_pbm(const Bitmap& modules, const std::filesystem::path& file, int scale = 4) {
  REQUIRE_FALSE(modules.empty());
  const std::size_t width = modules.front().size();
  std::ofstream out(file);
  out << "P1\n" << width * scale << ' ' << modules.size() * scale << '\n';
  for (const auto& row : modules) {
    REQUIRE(row.size() == width);
    std::string line;
    for (const bool dark : row)
      line += std::string(static_cast<std::size_t>(scale), dark ? '1' : '0');
    for (int i = 0; i < scale; ++i) out << line << '\n';
  }
}

std::string zbar_decode(const std::filesystem::path& image) {
  // stderr goes to a file: zbarimg's image loader chatters there (D-Bus
  // warnings) even on success, and it only matters when decoding fails.
  const std::string errors = image.string() + ".stderr";
  // QR codes only: with every symbology on, zbar may read a stripe of the
  // code as a one-dimensional barcode too (seen once in CI).
  const std::string command =
      "zbarimg --raw -q -Sdisable -Sqrcode.enable '" + image.string() + "' 2>'" + errors + "'";
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string output;
  char buffer[4096];
  std::size_t got = 0;
  while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, got);
  const int status = ::pclose(pipe);
  std::ifstream error_file(errors);
  const std::string error_text((std::istreambuf_iterator<char>(error_file)), {});
  INFO("zbarimg output: " << output << "\nzbarimg errors: " << error_text);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);  // 127 means zbar-tools is not installed
  return output;
}

bool quiet_zone_is_light(const Bitmap& modules) {
  const std::size_t size = modules.size();
  for (std::size_t y = 0; y < size; ++y) {
    for (std::size_t x = 0; x < modules[y].size(); ++x) {
      const bool border = x < 4 || y < 4 || x >= modules[y].size() - 4 || y >= size - 4;
      if (border && modules[y][x]) return false;
    }
  }
  return true;
}

}  // namespace

TEST_CASE("qr: terminal rendering of the largest config decodes byte for byte", "[render][zbar]") {
  TempDir dir;
  const std::string config = render_client_config(largest_config());
  const std::string text = render_qr_terminal(config, 200);

  Bitmap modules = bitmap_from_terminal(text);
  // An odd module count leaves a padding half row on the last line.
  REQUIRE(modules.size() == modules.front().size() + 1);
  REQUIRE_FALSE(std::count(modules.back().begin(), modules.back().end(), true));
  modules.pop_back();
  REQUIRE(quiet_zone_is_light(modules));

  write_pbm(modules, dir / "terminal.pbm");
  // zbarimg ends its raw output with a newline of its own.
  REQUIRE(zbar_decode(dir / "terminal.pbm") == config + "\n");
}

TEST_CASE("qr: SVG rendering of the largest config decodes byte for byte", "[render][zbar]") {
  TempDir dir;
  const std::string config = render_client_config(largest_config());
  const std::string svg = render_qr_svg(config);

  REQUIRE_THAT(svg, Catch::StartsWith("<?xml"));
  REQUIRE_THAT(svg, Catch::Contains("<svg xmlns=\"http://www.w3.org/2000/svg\""));
  REQUIRE_THAT(svg, Catch::EndsWith("</svg>\n"));
  // One path for all dark modules and one light background.
  REQUIRE(std::count(svg.begin(), svg.end(), '<') == 5);

  const Bitmap modules = bitmap_from_svg(svg);
  REQUIRE(quiet_zone_is_light(modules));
  write_pbm(modules, dir / "svg.pbm");
  REQUIRE(zbar_decode(dir / "svg.pbm") == config + "\n");
}

TEST_CASE("qr: terminal and SVG draw the same symbol", "[render]") {
  const std::string text = "[Interface]\nPrivateKey = x\n";
  Bitmap from_terminal = bitmap_from_terminal(render_qr_terminal(text));
  from_terminal.pop_back();
  REQUIRE(from_terminal == bitmap_from_svg(render_qr_svg(text)));
}

TEST_CASE("qr: terminal output uses only half blocks, spaces and newlines", "[render]") {
  const std::string text = render_qr_terminal("hello");
  // Version 1 is 21 modules + 2 * 4 quiet: 29 columns, 15 lines.
  REQUIRE(std::count(text.begin(), text.end(), '\n') == 15);
  REQUIRE_NOTHROW(bitmap_from_terminal(text));
}

TEST_CASE("qr: text too long for any QR code is refused", "[render]") {
  const std::string huge(3000, 'x');
  REQUIRE_THROWS_AS(render_qr_terminal(huge), std::runtime_error);
  REQUIRE_THROWS_WITH(render_qr_svg(huge), Catch::Contains("too long for a QR code"));
}

// Columns of a terminal line: each half block is one character, three bytes.
std::size_t columns_of(const std::string& line) {
  std::size_t columns = 0;
  for (const char c : line) columns += (static_cast<unsigned char>(c) & 0xc0) != 0x80;
  return columns;
}

TEST_CASE("qr: the default config's terminal code fits 80 columns and 40 lines", "[render][zbar]") {
  TempDir dir;
  const std::string config = render_client_config(default_config());
  const std::string text = render_qr_terminal(config);
  std::istringstream lines(text);
  std::string line;
  std::size_t count = 0;
  while (std::getline(lines, line)) {
    ++count;
    REQUIRE(columns_of(line) <= 80);
  }
  REQUIRE(count <= 40);
  Bitmap modules = bitmap_from_terminal(text);
  if (modules.size() > modules.front().size()) modules.pop_back();
  REQUIRE(quiet_zone_is_light(modules));
  write_pbm(modules, dir / "default.pbm");
  REQUIRE(zbar_decode(dir / "default.pbm") == config + "\n");
}

TEST_CASE("qr: level M where the terminal is wide enough, L where it is not", "[render]") {
  const std::string config = render_client_config(default_config());
  // 361 bytes: version 14 at M (73 modules + 8 quiet) or version 12 at L.
  REQUIRE(config.size() == 361);
  CHECK(qr_terminal_width(config, 81) == 81);
  CHECK(qr_terminal_width(config, kTerminalColumns) == 73);
  CHECK(columns_of(render_qr_terminal(config, 120)
                       .substr(0, render_qr_terminal(config, 120).find('\n'))) == 81);
}

TEST_CASE("qr: a code wider than the terminal is refused, saying how wide", "[render]") {
  const std::string config = render_client_config(largest_config());
  const int width = qr_terminal_width(config, kTerminalColumns);
  REQUIRE(width > kTerminalColumns);
  try {
    (void)render_qr_terminal(config);
    FAIL("a code wider than the terminal was drawn");
  } catch (const QrTooWide& e) {
    CHECK(e.columns == width);
    CHECK_THAT(e.what(),
               Catch::Contains(std::to_string(width) + " columns") && Catch::Contains("80"));
  }
  CHECK_NOTHROW(render_qr_terminal(config, width));
}

TEST_CASE("qr: the SVG has a physical size, one millimetre per module", "[render]") {
  const std::string svg = render_qr_svg(render_client_config(default_config()));
  const Bitmap modules = bitmap_from_svg(svg);
  const std::string size = std::to_string(modules.size()) + "mm";
  CHECK(between(svg, "width=\"", "\"") == size);
  CHECK(between(svg, "height=\"", "\"") == size);
}

TEST_CASE("qr: the split-entry limit is what one QR code holds in the worst case", "[render]") {
  // What a version 40 symbol at level M holds, and no more.
  CHECK_NOTHROW(render_qr_svg(std::string(kQrMaxBytes, 'x')));
  CHECK_THROWS_WITH(render_qr_svg(std::string(kQrMaxBytes + 1, 'x')),
                    Catch::Contains("too long for a QR code"));

  const std::string at_limit = render_client_config(worst_case_config(kMaxSplitEntries));
  const std::string past_limit = render_client_config(worst_case_config(kMaxSplitEntries + 1));
  INFO("at the limit: " << at_limit.size() << " bytes, one more entry: " << past_limit.size());
  CHECK(at_limit.size() <= kQrMaxBytes);
  CHECK(past_limit.size() > kQrMaxBytes);
  CHECK_NOTHROW(render_qr_svg(at_limit));
  CHECK_THROWS(render_qr_svg(past_limit));
}
