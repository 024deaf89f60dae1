// Form fields that keep what the user typed and show each field's message beside it (a Status names the field at
// fault: its message goes there, in the reader's language). Every form posts its CSRF token (csrf_field).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"
#include "web/base/html.h"
#include "web/base/http.h"

namespace tongdang::web {

// The messages of a form that came back: by field name, and one for the whole form.
struct FormErrors {
  std::map<std::string, std::string> fields;
  std::string general;
  bool any() const { return !general.empty() || !fields.empty(); }
  // Files a failed Status: beside its field when the form has one of that name (`known`), else for the form.
  void add(const Status& status, const std::vector<std::string>& known = {});
  const std::string* of(std::string_view field) const;
};

struct Option {
  std::string value;
  std::string label;
};

struct InputOptions {
  std::string type = "text";  // text, date, tel, password, number, search
  bool required = false;
  std::string hint;           // a line of help under the field
  std::string placeholder;
  std::string autocomplete;   // e.g. "off", "username", "current-password"
  std::string inputmode;      // e.g. "numeric"
  std::string extra_class;
  int maxlength = 0;
  bool autofocus = false;
  std::string data_check;     // data-check="id-number": app.js checks it as it is typed
};

// <input type="hidden" name="csrf" value="…">
Markup csrf_field(std::string_view csrf);
// A labelled input with the value kept and its message (if any) beside it.
Markup input_field(std::string_view name, std::string_view label, std::string_view value, const FormErrors& errors,
                   const InputOptions& options = {});
Markup textarea_field(std::string_view name, std::string_view label, std::string_view value, const FormErrors& errors,
                      int rows = 3, bool required = false);
// A <select>; `empty_label` non-empty adds a first option with value "" (nothing chosen).
Markup select_field(std::string_view name, std::string_view label, const std::vector<Option>& options,
                    std::string_view selected, const FormErrors& errors, std::string_view empty_label = {},
                    bool required = false);
// A group of radio buttons (a choice of a few: 入户走访/电话/视频).
Markup radio_field(std::string_view name, std::string_view label, const std::vector<Option>& options,
                   std::string_view selected, const FormErrors& errors);
Markup checkbox_field(std::string_view name, std::string_view label, bool checked, std::string_view value = "1");
// The form's own message box (errors.general, and a line saying nothing was saved when any field is at fault).
Markup form_errors(const FormErrors& errors);

// A page of many small forms, one per item (a review queue): the form that came back with a problem (its item's
// key and its messages) shows what was typed in it; every other form shows its own values. `Page` has `request`.
struct FailedItem {
  std::string key;
  FormErrors errors;
};
template <typename Page>
struct ItemForms {
  const Page& page;
  const FailedItem* failed;
  bool is(const std::string& key) const { return failed && failed->key == key; }
  const FormErrors& errors(const std::string& key) const {
    static const FormErrors kNone;
    return is(key) ? failed->errors : kNone;
  }
  std::string typed(const std::string& key, std::string_view field, std::string_view fallback = {}) const {
    return is(key) ? page.request.param(field) : std::string(fallback);
  }
};
// An item's reason box: what was typed kept, its message beside it, at most 500 characters.
Markup item_reason_field(std::string_view typed, const FormErrors& errors, std::string_view hint);
// Under a list cut at `shown` rows of `total`: how many there are (nothing when all are shown).
Markup more_rows(std::size_t total, std::size_t shown);

}  // namespace tongdang::web
