// SPDX-License-Identifier: MIT
#pragma once

// RFC 4180 CSV, the one writer behind every CSV TokenScope saves (sweep summaries, the sweep
// tab's sample table): fields holding a comma, a quote or a line break are quoted with their
// quotes doubled; records end in CRLF. UTF-8 in, UTF-8 out.

#include <string>
#include <vector>

namespace tokenscope {

std::string csvField(const std::string &text);

// The fields, each through csvField, joined by commas, with the CRLF that ends a record.
std::string csvRecord(const std::vector<std::string> &fields);

} // namespace tokenscope
