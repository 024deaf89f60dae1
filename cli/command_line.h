// The command line in the reader's language, for both programs (`tongdang`, `tongdang-server`). CLI11 writes help
// text from what options are declared with, so the language is chosen before the App is built (choose_language);
// localize() then gives the App a help formatter in that language (用法 / 选项 / 子命令); every option taking a word
// of the domain reads it through the tables of choices (choice_option: 入户, 已完成, 一方外出 … or the keys), and
// CLI11's parse errors are told in the reader's language, naming the option (report_parse_error).
//
// Order in a main():  choose_language(argc, argv);  CLI::App app{…};  localize(app);  add options and commands;
//                     try { app.parse(argc, argv); } catch (const CLI::ParseError& e) { return report_parse_error(…); }
#pragma once

#include <initializer_list>
#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

#include "core/base/i18n.h"
#include "core/model/choices.h"

namespace tongdang::cli {

// The reader's language, set (i18n::set_language) and returned: the last `--lang zh|en` or `--lang=…` on the command
// line (anywhere before a lone "--"), else TONGDANG_LANG, else LANG; Chinese unless the one found asks for English.
i18n::Lang choose_language(int argc, const char* const* argv);

// Prepares an App right after it is constructed, before any option or subcommand is added (subcommands inherit
// what is set here): the help flag's text, the help formatter and the subcommands' heading in the reader's language.
// The top App also gets `--version` (CLI::CallForVersion: the caller answers it with app.exit).
void localize(CLI::App& app);

// Makes `option` take a choice of `vocabulary`: what is typed (a key, a label or a synonym, choices.h) is stored
// as its key, so the command's code sees keys only; a word that is not a choice is a usage error listing the
// choices in the reader's language. Help shows the choices' labels. Returns `option`.
CLI::Option* choice_option(CLI::Option* option, Vocabulary vocabulary);
// Makes `option` take one of a few fixed words that are not the domain's (a file format, a language), refused in
// the reader's language otherwise. Returns `option`.
CLI::Option* one_of_option(CLI::Option* option, std::initializer_list<const char*> words);
// Makes a whole-number `option` accept only min to max. Returns `option`.
CLI::Option* range_option(CLI::Option* option, long long min, long long max);

// Prints `error` on `err` in the reader's language — what is wrong, naming the option or argument, and the command
// whose --help explains it — and returns the usage exit code (2).
int report_parse_error(const CLI::App& app, const CLI::ParseError& error, std::ostream& err);

}  // namespace tongdang::cli
