// SPDX-License-Identifier: MIT
#include "tokenizer/tokenizer_json_reader.h"

#include "common/error.h"

#include <nlohmann/json.hpp>

#include <limits>
#include <unordered_map>

namespace tokenscope {

namespace {

using Json = nlohmann::json;

// Field access that turns every missing or mistyped field into Error(source, "<path> ...").
class FieldReader {
public:
    explicit FieldReader(const std::string &source) : m_source(source) {}

    [[noreturn]] void fail(const std::string &path, const std::string &problem) const
    {
        throw Error(m_source, path + " " + problem);
    }

    const Json &member(const Json &object, const std::string &path, const char *key) const
    {
        const auto it = object.find(key);
        if (it == object.end())
            fail(path.empty() ? std::string(key) : path + "." + key, "is missing");
        return *it;
    }
    const Json *optionalMember(const Json &object, const char *key) const
    {
        const auto it = object.find(key);
        return it == object.end() || it->is_null() ? nullptr : &*it;
    }
    const Json &object(const Json &value, const std::string &path) const
    {
        if (!value.is_object())
            fail(path, "must be an object");
        return value;
    }
    const Json &array(const Json &value, const std::string &path) const
    {
        if (!value.is_array())
            fail(path, "must be an array");
        return value;
    }
    const std::string &string(const Json &value, const std::string &path) const
    {
        if (!value.is_string())
            fail(path, "must be a string");
        return value.get_ref<const std::string &>();
    }
    bool boolean(const Json &value, const std::string &path) const
    {
        if (!value.is_boolean())
            fail(path, "must be true or false");
        return value.get<bool>();
    }
    TokenId id(const Json &value, const std::string &path) const
    {
        constexpr auto maxId = std::numeric_limits<TokenId>::max();
        if (value.is_number_unsigned() && value.get<std::uint64_t>() <= std::uint64_t(maxId))
            return TokenId(value.get<std::uint64_t>());
        if (value.is_number_integer() && value.get<std::int64_t>() >= 0 && value.get<std::int64_t>() <= maxId)
            return TokenId(value.get<std::int64_t>());
        fail(path, "must be an integer id in 0.." + std::to_string(maxId));
    }
    // An optional boolean that this reader only supports with one value.
    void requireFlag(const Json &object, const std::string &path, const char *key, bool supported) const
    {
        if (const Json *v = optionalMember(object, key); v && boolean(*v, path + "." + key) != supported)
            fail(path + "." + key,
                 std::string("must be ") + (supported ? "true" : "false") + " (the other value is not supported)");
    }
    // A member that is absent/null or the empty string, e.g. model.end_of_word_suffix.
    void requireEmptyString(const Json &object, const std::string &path, const char *key) const
    {
        if (const Json *v = optionalMember(object, key); v && !string(*v, path + "." + key).empty())
            fail(path + "." + key, "is not supported (must be empty or null)");
    }
    const std::string &type(const Json &object, const std::string &path) const
    {
        return string(member(this->object(object, path), path, "type"), path + ".type");
    }

private:
    const std::string &m_source;
};

void readModel(const FieldReader &f, const Json &root, TokenizerDescription &out)
{
    const Json &model = f.object(f.member(root, "", "model"), "model");
    if (const auto &type = f.type(model, "model"); type != "BPE")
        f.fail("model.type", "'" + type + "' is not supported (only BPE)");
    if (f.optionalMember(model, "dropout"))
        f.fail("model.dropout", "is not supported (must be null)");
    f.requireEmptyString(model, "model", "continuing_subword_prefix");
    f.requireEmptyString(model, "model", "end_of_word_suffix");
    if (const Json *ignore = f.optionalMember(model, "ignore_merges"))
        out.ignoreMerges = f.boolean(*ignore, "model.ignore_merges");
    // byte_fallback, fuse_unk and unk_token never apply: all 256 byte symbols must be in the vocab.

    const Json &vocab = f.object(f.member(model, "model", "vocab"), "model.vocab");
    out.vocab.reserve(vocab.size());
    std::unordered_map<TokenId, const std::string *> tokenOfId;
    tokenOfId.reserve(vocab.size());
    for (const auto &[token, idValue] : vocab.items()) {
        const TokenId id = f.id(idValue, "model.vocab['" + token + "']");
        const auto slot = out.vocab.emplace(token, id).first;
        if (const auto [prior, inserted] = tokenOfId.emplace(id, &slot->first); !inserted)
            f.fail("model.vocab", "has duplicate id " + std::to_string(id) + " (for '" + *prior->second
                                      + "' and '" + token + "')");
    }

    const Json &merges = f.array(f.member(model, "model", "merges"), "model.merges");
    out.merges.reserve(merges.size());
    for (std::size_t i = 0; i < merges.size(); ++i) {
        const auto path = "model.merges[" + std::to_string(i) + "]";
        const Json &merge = merges[i];
        if (merge.is_string()) {   // legacy "left right"
            const auto &text = merge.get_ref<const std::string &>();
            const auto space = text.find(' ');
            if (space == std::string::npos || space == 0 || space + 1 == text.size()
                || text.find(' ', space + 1) != std::string::npos)
                f.fail(path, "must be two symbols separated by one space, got '" + text + "'");
            out.merges.emplace_back(text.substr(0, space), text.substr(space + 1));
        } else if (merge.is_array() && merge.size() == 2) {
            out.merges.emplace_back(f.string(merge[0], path + "[0]"), f.string(merge[1], path + "[1]"));
        } else {
            f.fail(path, "must be a \"left right\" string or a [left, right] pair");
        }
    }
}

void readNormalizer(const FieldReader &f, const Json &root, TokenizerDescription &out)
{
    const Json *normalizer = f.optionalMember(root, "normalizer");
    if (!normalizer)
        return;
    if (const auto &type = f.type(*normalizer, "normalizer"); type != "NFC")
        f.fail("normalizer.type", "'" + type + "' is not supported (only NFC or null)");
    out.nfc = true;
}

void readPreTokenizer(const FieldReader &f, const Json &root, TokenizerDescription &out)
{
    const Json &pre = f.member(root, "", "pre_tokenizer");
    const std::string expected = " (supported: Sequence of Split{Regex, Isolated} and ByteLevel{use_regex false})";
    if (f.type(pre, "pre_tokenizer") != "Sequence")
        f.fail("pre_tokenizer.type", "must be 'Sequence'" + expected);
    const Json &steps = f.array(f.member(pre, "pre_tokenizer", "pretokenizers"), "pre_tokenizer.pretokenizers");
    if (steps.size() != 2)
        f.fail("pre_tokenizer.pretokenizers", "must hold exactly two steps" + expected);

    const std::string split = "pre_tokenizer.pretokenizers[0]";
    if (f.type(steps[0], split) != "Split")
        f.fail(split + ".type", "must be 'Split'" + expected);
    const Json &pattern = f.object(f.member(steps[0], split, "pattern"), split + ".pattern");
    out.splitPatternField = split + ".pattern.Regex";
    out.splitPattern = f.string(f.member(pattern, split + ".pattern", "Regex"), out.splitPatternField);
    if (f.string(f.member(steps[0], split, "behavior"), split + ".behavior") != "Isolated")
        f.fail(split + ".behavior", "must be 'Isolated'" + expected);
    f.requireFlag(steps[0], split, "invert", false);

    const std::string byteLevel = "pre_tokenizer.pretokenizers[1]";
    if (f.type(steps[1], byteLevel) != "ByteLevel")
        f.fail(byteLevel + ".type", "must be 'ByteLevel'" + expected);
    f.requireFlag(steps[1], byteLevel, "add_prefix_space", false);
    // The Split step already did the GPT-2 regex's job; a second split would change the pieces.
    if (const Json *useRegex = f.optionalMember(steps[1], "use_regex");
        !useRegex || f.boolean(*useRegex, byteLevel + ".use_regex"))
        f.fail(byteLevel + ".use_regex", "must be false" + expected);
}

void readDecoderAndPostProcessor(const FieldReader &f, const Json &root)
{
    const Json *decoder = f.optionalMember(root, "decoder");
    if (!decoder || f.type(*decoder, "decoder") != "ByteLevel")
        f.fail("decoder", "must be {\"type\": \"ByteLevel\"}");
    // ByteLevel post-processing only adjusts offsets; anything else would add or change ids.
    if (const Json *post = f.optionalMember(root, "post_processor")) {
        if (const auto &type = f.type(*post, "post_processor"); type != "ByteLevel")
            f.fail("post_processor.type", "'" + type + "' is not supported (only ByteLevel or null)");
    }
    for (const char *key : {"truncation", "padding"})
        if (f.optionalMember(root, key))
            f.fail(key, "is not supported (must be null)");
}

void readAddedTokens(const FieldReader &f, const Json &root, TokenizerDescription &out)
{
    const Json *list = f.optionalMember(root, "added_tokens");
    if (!list)
        return;
    f.array(*list, "added_tokens");
    for (std::size_t i = 0; i < list->size(); ++i) {
        const auto path = "added_tokens[" + std::to_string(i) + "]";
        const Json &entry = f.object((*list)[i], path);
        AddedToken token;
        token.id = f.id(f.member(entry, path, "id"), path + ".id");
        token.content = f.string(f.member(entry, path, "content"), path + ".content");
        if (token.content.empty())
            f.fail(path + ".content", "must not be empty");
        const auto flag = [&](const char *key, bool fallback) {
            const Json *v = f.optionalMember(entry, key);
            return v ? f.boolean(*v, path + "." + key) : fallback;
        };
        token.special = flag("special", false);
        token.lstrip = flag("lstrip", false);
        token.rstrip = flag("rstrip", false);
        token.normalized = flag("normalized", !token.special);   // Hugging Face's default
        if (flag("single_word", false))
            f.fail(path + ".single_word", "true is not supported");
        out.addedTokens.push_back(std::move(token));
    }
}

} // namespace

TokenizerDescription readTokenizerJson(std::string_view json, const std::string &source)
{
    Json root;
    try {
        root = Json::parse(json.begin(), json.end());
    } catch (const Json::parse_error &e) {
        // e.what() starts with "[json.exception.parse_error.101] "; keep only the readable part.
        std::string what = e.what();
        const auto bracket = what.find("] ");
        if (what.rfind("[json.exception", 0) == 0 && bracket != std::string::npos)
            what = what.substr(bracket + 2);
        throw Error(source, "invalid JSON: " + what);
    }
    const FieldReader f(source);
    if (!root.is_object())
        f.fail("the top level", "must be a JSON object");
    TokenizerDescription out;
    try {
        readModel(f, root, out);
        readNormalizer(f, root, out);
        readPreTokenizer(f, root, out);
        readDecoderAndPostProcessor(f, root);
        readAddedTokens(f, root, out);
    } catch (const Json::exception &e) {   // a check above missed a type; still report the file
        throw Error(source, std::string("unexpected JSON structure: ") + e.what());
    }
    return out;
}

} // namespace tokenscope
