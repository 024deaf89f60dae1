// tongdang serve: the station in a browser (web/station), from this station's database, until SIGTERM or Ctrl-C.
#include <pthread.h>
#include <signal.h>

#include <iostream>
#include <thread>

#include "context.h"
#include "core/base/i18n.h"
#include "web/base/server.h"
#include "web/station/app.h"

namespace tongdang::cli {

using i18n::edge::tr;
using i18n::edge::trf;

namespace {

bool is_loopback(const std::string& host) {
  return host == "127.0.0.1" || host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

}  // namespace

void register_serve_command(CLI::App& app, Context& context) {
  struct Options {
    std::string listen = "127.0.0.1:8080";
    std::string tls_cert, tls_key;
    int session_idle_seconds = 0;
  };
  auto options = std::make_shared<Options>();
  auto* serve = app.add_subcommand("serve", tr("在浏览器中使用本站（网页版）", "serve the station in a browser"));
  serve->add_option("--listen", options->listen,
                    tr("监听地址 主机:端口（默认 127.0.0.1:8080，仅本机）", "host:port to listen on (default "
                                                                          "127.0.0.1:8080, this computer only)"));
  serve->add_option("--tls-cert", options->tls_cert, tr("TLS 证书（PEM），在局域网上提供时必需", "TLS certificate (PEM); "
                                                                                         "needed to serve a LAN"));
  serve->add_option("--tls-key", options->tls_key, tr("TLS 私钥（PEM）", "TLS private key (PEM)"));
  serve->add_option("--session-idle", options->session_idle_seconds,
                    tr("登录闲置多少秒后失效（默认 1800）", "seconds a session lives without use (default 1800)"));
  serve->callback([&context, options] {
    const std::size_t colon = options->listen.rfind(':');
    web::WebServer::Options listen;
    if (colon == std::string::npos)
      context.check(Status::invalid("listen", i18n::tr("应为 主机:端口，例如 127.0.0.1:8080",
                                                       "expected host:port, e.g. 127.0.0.1:8080")));
    listen.host = options->listen.substr(0, colon);
    try {
      listen.port = std::stoi(options->listen.substr(colon + 1));
    } catch (const std::exception&) {
      context.check(Status::invalid("listen", i18n::tr("端口应为数字", "the port must be a number")));
    }
    if (listen.port < 0 || listen.port > 65535)
      context.check(Status::invalid("listen", i18n::tr("端口应在 0–65535 之间", "the port must be 0–65535")));
    listen.tls_cert = options->tls_cert;
    listen.tls_key = options->tls_key;
    // Beyond this computer the pages (names, ID numbers, passwords) cross a network: only over TLS.
    if (!is_loopback(listen.host) && listen.tls_cert.empty())
      context.check(Status::refused(i18n::trf("在 {} 上提供网页需要 --tls-cert 和 --tls-key（局域网上不明文传输）",
                                              "serving on {} needs --tls-cert and --tls-key (nothing in clear text "
                                              "on a LAN)", listen.host)));

    // SIGTERM/SIGINT go to one thread (sigwait), which stops the listener; blocked in every other thread.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    // No one is signed in to the program itself: every page signs its own user in (web/station/app.cc).
    Station& station = context.open_unsigned();
    web::station::AppOptions app_options;
    app_options.db_path = context.db_path;
    app_options.session_idle = std::chrono::seconds(options->session_idle_seconds);
    app_options.secure = !listen.tls_cert.empty();
    auto station_app = std::make_shared<web::station::StationApp>(std::move(context.station), app_options);
    web::WebServer server(listen, [station_app](const web::Request& request) { return station_app->handle(request); });
    const int port = context.take(server.start());
    const std::string scheme = server.tls() ? "https" : "http";
    const std::string host = listen.host == "0.0.0.0" ? "127.0.0.1" : listen.host;
    (void)station;
    std::cout << trf("童档网页版已启动：请在浏览器中打开 {}://{}:{}/\n", "tongdang is serving: open {}://{}:{}/ in a "
                     "browser\n", scheme, host, port)
              << tr("按 Ctrl-C 停止。\n", "Press Ctrl-C to stop.\n") << std::flush;
    std::thread watcher([&server, signals]() mutable {
      int received = 0;
      sigwait(&signals, &received);
      server.stop();
    });
    server.wait();
    watcher.join();
    std::cout << tr("已停止。\n", "stopped.\n") << std::flush;
  });
}

}  // namespace tongdang::cli
