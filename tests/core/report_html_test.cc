// The HTML report opened in headless Chromium (Debian's `chromium`; scripts/install-deps.sh --with-test-tools
// installs it): it loads without console or network errors, its DOM holds the three SVG charts, and a screenshot
// shows them (the four colours' pixels are there). A missing chromium fails the test: nothing is skipped silently.
#include <catch2/catch.hpp>

#include <zlib.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <set>

#include "core/projection/report_rows.h"
#include "core/projection/workflow_state.h"
#include "core/report/render.h"
#include "support/report_fixture.h"

using namespace tongdang;
using tongdang::test::ReportFixture;
using tongdang::test::ScratchDir;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string chromium_path() {
  for (const char* candidate : {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"})
    if (std::filesystem::exists(candidate)) return candidate;
  return "";
}

std::vector<std::string> chromium_args(const ScratchDir& dir) {
  return {"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
          "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--user-data-dir=" + dir.file("profile"), "--enable-logging=stderr", "--v=0", "--window-size=1000,1800",
          "--hide-scrollbars"};
}

// A decoded 8-bit RGB or RGBA PNG (what Chromium writes): enough to look at pixel colours.
struct Image {
  int width = 0;
  int height = 0;
  int channels = 0;
  std::vector<unsigned char> pixels;
};

std::uint32_t be32(const std::string& s, std::size_t at) {
  return (std::uint32_t(static_cast<unsigned char>(s[at])) << 24) | (std::uint32_t(static_cast<unsigned char>(s[at + 1])) << 16) |
         (std::uint32_t(static_cast<unsigned char>(s[at + 2])) << 8) | std::uint32_t(static_cast<unsigned char>(s[at + 3]));
}

Image decode_png(const std::string& png) {
  Image image;
  REQUIRE(png.size() > 33);
  REQUIRE(png.substr(1, 3) == "PNG");
  std::string idat;
  int bit_depth = 0, colour_type = 0, interlace = 0;
  for (std::size_t at = 8; at + 8 <= png.size();) {
    std::uint32_t length = be32(png, at);
    std::string type = png.substr(at + 4, 4);
    if (type == "IHDR") {
      image.width = static_cast<int>(be32(png, at + 8));
      image.height = static_cast<int>(be32(png, at + 12));
      bit_depth = static_cast<unsigned char>(png[at + 16]);
      colour_type = static_cast<unsigned char>(png[at + 17]);
      interlace = static_cast<unsigned char>(png[at + 20]);
    } else if (type == "IDAT") {
      idat += png.substr(at + 8, length);
    }
    at += 12 + length;
  }
  REQUIRE(bit_depth == 8);
  REQUIRE(interlace == 0);
  REQUIRE((colour_type == 2 || colour_type == 6));
  image.channels = colour_type == 6 ? 4 : 3;
  const std::size_t stride = static_cast<std::size_t>(image.width) * image.channels;
  std::vector<unsigned char> raw((stride + 1) * image.height);
  uLongf raw_size = raw.size();
  REQUIRE(uncompress(raw.data(), &raw_size, reinterpret_cast<const Bytef*>(idat.data()), idat.size()) == Z_OK);
  image.pixels.assign(stride * image.height, 0);
  const int bpp = image.channels;
  for (int y = 0; y < image.height; ++y) {
    const unsigned char filter = raw[y * (stride + 1)];
    const unsigned char* in = &raw[y * (stride + 1) + 1];
    unsigned char* out = &image.pixels[y * stride];
    const unsigned char* up = y > 0 ? &image.pixels[(y - 1) * stride] : nullptr;
    for (std::size_t x = 0; x < stride; ++x) {
      int a = x >= static_cast<std::size_t>(bpp) ? out[x - bpp] : 0;
      int b = up ? up[x] : 0;
      int c = (up && x >= static_cast<std::size_t>(bpp)) ? up[x - bpp] : 0;
      int predictor = 0;
      switch (filter) {
        case 0: predictor = 0; break;
        case 1: predictor = a; break;
        case 2: predictor = b; break;
        case 3: predictor = (a + b) / 2; break;
        case 4: {
          int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
          predictor = (pa <= pb && pa <= pc) ? a : (pb <= pc ? b : c);
          break;
        }
        default: FAIL("bad PNG filter " << int(filter));
      }
      out[x] = static_cast<unsigned char>(in[x] + predictor);
    }
  }
  return image;
}

// How many pixels are (nearly) the colour "#rrggbb".
int count_colour(const Image& image, const char* hex) {
  const int r = std::stoi(std::string(hex + 1, 2), nullptr, 16), g = std::stoi(std::string(hex + 3, 2), nullptr, 16),
            b = std::stoi(std::string(hex + 5, 2), nullptr, 16);
  int n = 0;
  for (std::size_t i = 0; i + 2 < image.pixels.size(); i += image.channels)
    if (std::abs(image.pixels[i] - r) < 8 && std::abs(image.pixels[i + 1] - g) < 8 && std::abs(image.pixels[i + 2] - b) < 8) ++n;
  return n;
}

}  // namespace

TEST_CASE("Report: the HTML page opens in headless Chromium and shows its charts", "[report][html]") {
  const std::string chromium = chromium_path();
  INFO("headless Chromium is required: run scripts/install-deps.sh --with-test-tools");
  REQUIRE_FALSE(chromium.empty());

  ScratchDir dir;
  ReportFixture fixture(dir.file("station.db"));
  fixture.build_township();
  report::Options options;
  options.level = report::ScopeLevel::Township;
  options.scope_code = "320324102";
  options.scope_name = "王集镇";
  options.as_of = *Date::parse("2026-11-28");
  options.overdue_list = true;
  options.generated_at = "2026-11-28T10:00:00+08:00";
  const std::string html = report::to_html(report::build(fixture.station().db(), options, {}));

  // Self-contained: no script, no reference to anything outside the file.
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("src=") == std::string::npos);
  CHECK(html.find("<link") == std::string::npos);
  CHECK(html.find("@import") == std::string::npos);
  CHECK(html.find("url(") == std::string::npos);
  CHECK(html.find("@media print") != std::string::npos);
  const std::string page = dir.file("report.html");
  {
    std::ofstream out(page, std::ios::binary);
    out << html;
  }

  const std::string url = "file://" + page;
  auto dom_args = chromium_args(dir);
  dom_args.push_back("--dump-dom");
  dom_args.push_back(url);
  auto dom = test::run_program(chromium, dom_args, dir.path());
  REQUIRE(dom.exit_code == 0);
  for (const char* id : {"id=\"chart-colours\"", "id=\"chart-coverage\"", "id=\"chart-trend\""}) {
    INFO(id);
    CHECK(dom.out.find(id) != std::string::npos);
  }
  CHECK(dom.out.find("<rect class=\"seg\"") != std::string::npos);
  CHECK(dom.out.find("<polyline") != std::string::npos);
  // No console messages (errors from the page) and no failed loads.
  CHECK(dom.err.find("CONSOLE") == std::string::npos);
  CHECK(dom.err.find("Uncaught") == std::string::npos);
  CHECK(dom.err.find("net::ERR_") == std::string::npos);

  auto shot_args = chromium_args(dir);
  shot_args.push_back("--screenshot=" + dir.file("report.png"));
  shot_args.push_back(url);
  auto shot = test::run_program(chromium, shot_args, dir.path());
  REQUIRE(shot.exit_code == 0);
  const std::string png = read_file(dir.file("report.png"));
  REQUIRE(png.size() > 20'000);
  Image image = decode_png(png);
  CHECK(image.width == 1000);
  // The charts are drawn: each tier's colour covers a visible area (the colour bars, the coverage bars, the
  // trend line), not just a legend swatch.
  CHECK(count_colour(image, "#d7261e") > 2000);  // red
  CHECK(count_colour(image, "#f2b705") > 1000);  // yellow
  CHECK(count_colour(image, "#1f6fd1") > 1000);  // blue
  CHECK(count_colour(image, "#2e9d4f") > 1000);  // green
  if (const char* keep = std::getenv("TONGDANG_KEEP_SCREENSHOT"); keep && *keep)
    std::filesystem::copy_file(dir.file("report.png"), keep, std::filesystem::copy_options::overwrite_existing);
}
