// SPDX-License-Identifier: MIT
#include "eval/answer_normalization.h"

#include "tokenizer/utf8.h"

#include <algorithm>
#include <array>
#include <unordered_map>

namespace tokenscope {

namespace {

constexpr char32_t kReplacement = 0xFFFD;

bool isAsciiDigit(char c) { return c >= '0' && c <= '9'; }

// Python's string.punctuation: every printable ASCII character that is not a letter, digit or space.
bool isAsciiPunctuation(char c)
{
    return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') || (c >= '{' && c <= '~');
}

char32_t lowerCodePoint(char32_t c)
{
    if ((c >= U'A' && c <= U'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7))
        return c + 32;
    if (c >= 0x100 && c <= 0x17F) {                  // Latin Extended-A: upper/lower pairs
        if (c == 0x130 || c == 0x131 || c == 0x138 || c == 0x149 || c == 0x17F)
            return c;                                 // no simple one-to-one lower case
        if (c == 0x178)
            return 0xFF;
        const bool oddUpper = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
        const bool isUpper = oddUpper ? (c % 2 == 1) : (c % 2 == 0);
        return isUpper ? c + 1 : c;
    }
    if ((c >= 0x391 && c <= 0x3A1) || (c >= 0x3A3 && c <= 0x3AB))   // Greek capitals
        return c + 32;
    if (c == 0x386)
        return 0x3AC;
    if (c >= 0x388 && c <= 0x38A)
        return c + 37;
    if (c == 0x38C)
        return 0x3CC;
    if (c == 0x38E || c == 0x38F)
        return c + 63;
    if (c >= 0x400 && c <= 0x40F)                     // Cyrillic
        return c + 80;
    if (c >= 0x410 && c <= 0x42F)
        return c + 32;
    return c;
}

void replaceAll(std::string &text, std::string_view from, std::string_view to)
{
    for (std::size_t pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size()))
        text.replace(pos, from.size(), to);
}

void eraseChar(std::string &text, char c)
{
    text.erase(std::remove(text.begin(), text.end(), c), text.end());
}

std::string join(const std::vector<std::string> &words)
{
    std::string out;
    for (const std::string &word : words) {
        if (!out.empty())
            out += ' ';
        out += word;
    }
    return out;
}

// --- EvalAI answer processor ---------------------------------------------------------------------

// Characters the processor deletes (next to a space) or turns into a space; "." is handled apart.
constexpr std::array<char, 21> kVqaPunctuation{';', '/', '[', ']', '"', '{', '}', '(', ')', '=', '+',
                                               '\\', '_', '-', '>', '<', '@', '`', ',', '?', '!'};

// The reference applies its period regex with re.sub(..., out, re.UNICODE), which passes the flag
// (value 32) as the replacement count: only the first 32 matching periods are removed.
constexpr int kMaxPeriodsStripped = 32;

const std::unordered_map<std::string_view, std::string_view> &numberWords()
{
    static const std::unordered_map<std::string_view, std::string_view> map{
        {"none", "0"}, {"zero", "0"}, {"one", "1"}, {"two", "2"}, {"three", "3"}, {"four", "4"},
        {"five", "5"}, {"six", "6"}, {"seven", "7"}, {"eight", "8"}, {"nine", "9"}, {"ten", "10"}};
    return map;
}

// Apostrophe-less spellings and what EvalAI restores them to. Keys are lower case (the reference's
// capitalised keys can never match after lower-casing) and identity entries are left out. Note the
// reference maps "somebody'd" to "somebodyd"; kept for identical scores.
const std::unordered_map<std::string_view, std::string_view> &contractions()
{
    static const std::unordered_map<std::string_view, std::string_view> map{
        {"aint", "ain't"}, {"arent", "aren't"}, {"cant", "can't"}, {"couldve", "could've"},
        {"couldnt", "couldn't"}, {"couldn'tve", "couldn't've"}, {"couldnt've", "couldn't've"},
        {"didnt", "didn't"}, {"doesnt", "doesn't"}, {"dont", "don't"}, {"hadnt", "hadn't"},
        {"hadnt've", "hadn't've"}, {"hadn'tve", "hadn't've"}, {"hasnt", "hasn't"}, {"havent", "haven't"},
        {"hed", "he'd"}, {"hed've", "he'd've"}, {"he'dve", "he'd've"}, {"hes", "he's"}, {"howd", "how'd"},
        {"howll", "how'll"}, {"hows", "how's"}, {"isnt", "isn't"}, {"itd", "it'd"}, {"itd've", "it'd've"},
        {"it'dve", "it'd've"}, {"itll", "it'll"}, {"maam", "ma'am"}, {"mightnt", "mightn't"},
        {"mightnt've", "mightn't've"}, {"mightn'tve", "mightn't've"}, {"mightve", "might've"},
        {"mustnt", "mustn't"}, {"mustve", "must've"}, {"neednt", "needn't"}, {"notve", "not've"},
        {"oclock", "o'clock"}, {"oughtnt", "oughtn't"}, {"ow's'at", "'ow's'at"}, {"'ows'at", "'ow's'at"},
        {"'ow'sat", "'ow's'at"}, {"shant", "shan't"}, {"shed've", "she'd've"}, {"she'dve", "she'd've"},
        {"shouldve", "should've"}, {"shouldnt", "shouldn't"}, {"shouldnt've", "shouldn't've"},
        {"shouldn'tve", "shouldn't've"}, {"somebody'd", "somebodyd"}, {"somebodyd've", "somebody'd've"},
        {"somebody'dve", "somebody'd've"}, {"somebodyll", "somebody'll"}, {"somebodys", "somebody's"},
        {"someoned", "someone'd"}, {"someoned've", "someone'd've"}, {"someone'dve", "someone'd've"},
        {"someonell", "someone'll"}, {"someones", "someone's"}, {"somethingd", "something'd"},
        {"somethingd've", "something'd've"}, {"something'dve", "something'd've"},
        {"somethingll", "something'll"}, {"thats", "that's"}, {"thered", "there'd"},
        {"thered've", "there'd've"}, {"there'dve", "there'd've"}, {"therere", "there're"},
        {"theres", "there's"}, {"theyd", "they'd"}, {"theyd've", "they'd've"}, {"they'dve", "they'd've"},
        {"theyll", "they'll"}, {"theyre", "they're"}, {"theyve", "they've"}, {"twas", "'twas"},
        {"wasnt", "wasn't"}, {"wed've", "we'd've"}, {"we'dve", "we'd've"}, {"weve", "we've"},
        {"werent", "weren't"}, {"whatll", "what'll"}, {"whatre", "what're"}, {"whats", "what's"},
        {"whatve", "what've"}, {"whens", "when's"}, {"whered", "where'd"}, {"wheres", "where's"},
        {"whereve", "where've"}, {"whod", "who'd"}, {"whod've", "who'd've"}, {"who'dve", "who'd've"},
        {"wholl", "who'll"}, {"whos", "who's"}, {"whove", "who've"}, {"whyll", "why'll"},
        {"whyre", "why're"}, {"whys", "why's"}, {"wont", "won't"}, {"wouldve", "would've"},
        {"wouldnt", "wouldn't"}, {"wouldnt've", "wouldn't've"}, {"wouldn'tve", "wouldn't've"},
        {"yall", "y'all"}, {"yall'll", "y'all'll"}, {"y'allll", "y'all'll"}, {"yall'd've", "y'all'd've"},
        {"y'alld've", "y'all'd've"}, {"y'all'dve", "y'all'd've"}, {"youd", "you'd"},
        {"youd've", "you'd've"}, {"you'dve", "you'd've"}, {"youll", "you'll"}, {"youre", "you're"},
        {"youve", "you've"}};
    return map;
}

// "1,000"-style digit groups: a digit, one or more commas, a digit.
bool hasCommaBetweenDigits(std::string_view text)
{
    for (std::size_t i = 1; i < text.size(); ++i) {
        if (text[i] != ',' || !isAsciiDigit(text[i - 1]))
            continue;
        std::size_t end = i;
        while (end < text.size() && text[end] == ',')
            ++end;
        if (end < text.size() && isAsciiDigit(text[end]))
            return true;
    }
    return false;
}

// A punctuation mark next to a space (or any text with digit groups) is deleted; otherwise it
// separates words. The test looks at the text as it was before any replacement.
std::string vqaPunctuation(const std::string &in)
{
    const bool digitGroups = hasCommaBetweenDigits(in);
    std::string out = in;
    for (char p : kVqaPunctuation) {
        const std::string before{p, ' '};
        const std::string after{' ', p};
        const bool nextToSpace = in.find(before) != std::string::npos || in.find(after) != std::string::npos;
        if (nextToSpace || digitGroups)
            eraseChar(out, p);
        else
            std::replace(out.begin(), out.end(), p, ' ');
    }
    // Periods go unless a digit follows, so decimals such as "3.14" survive.
    std::string stripped;
    stripped.reserve(out.size());
    int removed = 0;
    for (std::size_t i = 0; i < out.size(); ++i) {
        const bool digitFollows = i + 1 < out.size() && isAsciiDigit(out[i + 1]);
        if (out[i] == '.' && !digitFollows && removed < kMaxPeriodsStripped) {
            ++removed;
            continue;
        }
        stripped += out[i];
    }
    return stripped;
}

std::string vqaDigitsAndArticles(std::string_view in)
{
    std::vector<std::string> words;
    for (std::string &word : splitWhitespace(lowerCase(in))) {
        if (const auto number = numberWords().find(word); number != numberWords().end())
            word = number->second;
        if (word == "a" || word == "an" || word == "the")
            continue;
        if (const auto full = contractions().find(word); full != contractions().end())
            word = full->second;
        words.push_back(std::move(word));
    }
    return join(words);
}

} // namespace

std::u32string decodeUtf8(std::string_view text)
{
    std::u32string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        if (const auto c = utf8::decodeNext(text, i)) {
            out += *c;
        } else {   // each byte of an ill-formed sequence becomes one U+FFFD
            out += kReplacement;
            ++i;
        }
    }
    return out;
}

std::string encodeUtf8(std::u32string_view codePoints)
{
    std::string out;
    out.reserve(codePoints.size());
    for (char32_t c : codePoints)
        out += utf8::encode(c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF) ? kReplacement : c);
    return out;
}

bool isPythonWhitespace(char32_t c)
{
    return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
           c == 0x3000;
}

std::string lowerCase(std::string_view text)
{
    std::u32string codePoints = decodeUtf8(text);
    std::transform(codePoints.begin(), codePoints.end(), codePoints.begin(), lowerCodePoint);
    return encodeUtf8(codePoints);
}

std::string trimWhitespace(std::string_view text)
{
    const std::u32string codePoints = decodeUtf8(text);
    const auto first = std::find_if_not(codePoints.begin(), codePoints.end(), isPythonWhitespace);
    const auto last = std::find_if_not(codePoints.rbegin(), codePoints.rend(), isPythonWhitespace).base();
    return first < last ? encodeUtf8(std::u32string_view(&*first, static_cast<std::size_t>(last - first)))
                        : std::string();
}

std::vector<std::string> splitWhitespace(std::string_view text)
{
    const std::u32string codePoints = decodeUtf8(text);
    std::vector<std::string> words;
    auto it = codePoints.begin();
    while (it != codePoints.end()) {
        const auto start = std::find_if_not(it, codePoints.end(), isPythonWhitespace);
        const auto end = std::find_if(start, codePoints.end(), isPythonWhitespace);
        if (start != end)
            words.push_back(encodeUtf8(std::u32string_view(&*start, static_cast<std::size_t>(end - start))));
        it = end;
    }
    return words;
}

std::string collapseWhitespace(std::string_view text)
{
    return join(splitWhitespace(text));
}

std::string normalizeExactMatch(std::string_view text)
{
    std::string lowered = lowerCase(text);
    lowered.erase(std::remove_if(lowered.begin(), lowered.end(), isAsciiPunctuation), lowered.end());
    return collapseWhitespace(lowered);
}

std::string normalizeVqaAnswer(std::string_view text)
{
    std::string item = lowerCase(text);
    eraseChar(item, ',');
    eraseChar(item, '?');
    replaceAll(item, "'s", " 's");
    item = trimWhitespace(item);
    std::replace(item.begin(), item.end(), '\n', ' ');
    std::replace(item.begin(), item.end(), '\t', ' ');
    item = trimWhitespace(item);
    return vqaDigitsAndArticles(vqaPunctuation(item));
}

std::string normalizeAnls(std::string_view text)
{
    return collapseWhitespace(lowerCase(text));
}

} // namespace tokenscope
