// SPDX-License-Identifier: MIT
#include "pipeline/chat_template.h"

namespace tokenscope {

std::vector<std::string> internVLSpecialTokens()
{
    return {"<|endoftext|>", "<|im_start|>", "<|im_end|>", "<img>", "</img>", "<IMG_CONTEXT>",
            "<quad>", "</quad>", "<ref>", "</ref>", "<box>", "</box>"};
}

std::string_view defaultSystemMessage()
{
    return "你是书生·万象，英文名是InternVL，是由上海人工智能实验室、清华大学及多家合作单位联合开发的多模态大语言模型。";
}

std::string buildChatPrompt(std::string_view question, int imageContextTokens, std::string_view systemMessage)
{
    std::string image;
    image.reserve(kImageStart.size() + kImageEnd.size() + std::size_t(imageContextTokens) * kImageContext.size());
    image += kImageStart;
    for (int i = 0; i < imageContextTokens; ++i)
        image += kImageContext;
    image += kImageEnd;

    std::string user(question);
    if (const auto at = user.find("<image>"); at != std::string::npos)
        user.replace(at, 7, image);
    else
        user = image + "\n" + user;

    std::string prompt;
    prompt += "<|im_start|>system\n";
    prompt += systemMessage;
    prompt += "<|im_end|>\n<|im_start|>user\n";
    prompt += user;
    prompt += "<|im_end|>\n<|im_start|>assistant\n";
    return prompt;
}

} // namespace tokenscope
