#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes tests/data/tokenizer_corpus.txt, the tokenizer parity corpus (run once; output committed).

Deterministic (fixed seed, no dependencies beyond the standard library). Lines mix hand-written
sentences in many scripts with generated variants that stress the Qwen pre-tokenizer: whitespace
runs, decomposed accents (so NFC matters), special tokens, numbers, emoji and code.
Usage: python3 tests/tokenizer/make_corpus.py > tests/data/tokenizer_corpus.txt
"""
import random
import sys
import unicodedata

ENGLISH = """\
The quick brown fox jumps over the lazy dog.
It's not what you look at that matters, it's what you see.
We'll meet at the station at half past nine, unless the train's late again.
They've been working on the new compression scheme since January.
I'd rather read the paper twice than misquote it once.
She said: "Don't touch the baseline until we've logged the numbers."
Visual tokens dominate the sequence length of multimodal models.
Pixel shuffle reduces 1024 patch tokens to 256 before the language model sees them.
The router decides, tile by tile, whether to keep the full set of tokens or a compressed one.
Please summarise the attached chart in three bullet points.
What is shown in the bottom-left corner of this image?
Describe the scene: a cat sitting on a windowsill, looking at the rain.
Ice cream sales rose 12% in July, then fell sharply in August.
The invoice total is $1,234.56, due on 2024-03-15.
Our meeting was moved from Tuesday to Thursday afternoon.
Mr. O'Brien and Mrs. McAllister-Jones arrived at 7:45 p.m. sharp.
Can't, won't, shouldn't, wouldn't: English loves its contractions.
HE'S RIGHT, THEY'RE LATE, AND WE'LL NEVER HEAR THE END OF IT.
You'RE mixing case in contractions ON PURPOSE, aren'T you?
The word "naïve" keeps its diaeresis in The New Yorker's style guide.
A résumé, a café and a fiancée walk into a bar.
Results are reported as mean ± standard deviation over five seeds.
The temperature dropped to −40 °C, where Celsius and Fahrenheit agree.
He paid £20 for a book that cost €18 in Berlin and ¥2,600 in Tokyo.
The E=mc² equation is famous; fewer people know ∇·E = ρ/ε₀.
Footnotes¹ and superscripts² should survive tokenization intact³.
Use the em dash—sparingly—and the en dash for ranges like 10–20.
Ellipses… are one character here, three dots... there.
“Smart quotes” and ‘single ones’ differ from "straight" and 'plain' quotes.
The file is at C:\\Users\\alice\\Documents\\report_final_v2.docx.
Visit https://example.com/path?query=tokens&limit=256#section-3 for details.
Send feedback to support@tokenscope.example.org before Friday.
The ratio of kept to dropped tokens was 3:1 on documents and 1:1 on photos.
#hashtag @mention $TICKER %percent ^caret &ampersand *asterisk
Well... I suppose that's one way to look at it!?
Nope. No. Absolutely not. Never!!!
The model hallucinated a second dog that wasn't in the picture.
An image is worth 256 tokens, give or take a few thousand.
At 448×448 pixels per tile, a 12-tile image becomes 3,072 visual tokens.
Compression ratios of 4x, 8x and 16x were evaluated on DocVQA and ChartQA.
In 1969, Apollo 11 landed on the Moon; in 1972, Apollo 17 left it.
The recipe needs 2½ cups of flour, ¾ cup of sugar and a pinch of salt.
Temperatures between 18 and 22 degrees are ideal for most houseplants.
Bob's brother's friend's car broke down on the M25 again.
I can't believe it's already December — where did the year go?
'Tis the season, y'all, so grab your coats and let's go.
Rock 'n' roll never dies, it just changes its haircut.
The '90s were loud; the 2000s were louder.
Section 3.2.1 describes the dynamic-resolution tiling in detail.
Table 4: accuracy (%) versus number of visual tokens per image.
Figure 7 shows attention maps for the first, middle and last layers.
Note: all timings exclude the first (warm-up) run.
WARNING: the checkpoint was trained with bf16; fp16 may overflow.
ERROR 404 — page not found. Try again later?
OK, so here's the plan: load, shuffle, route, generate, compare.
The camel-case identifier tokenScopeCompressionRatio is hard to read.
snake_case_names_are_easier_to_split_for_most_tokenizers
SCREAMING_SNAKE_CASE_CONSTANTS_LOOK_ANGRY
A sentence with a trailing space. 
 A sentence with a leading space.
Tabs	separate	these	words	instead	of	spaces.
Two  spaces  between  every  word  here.
Words		separated		by		double		tabs.
Lots of spaces at the end                  
          lots of spaces at the start
Mixed	 tabs 	and	 	spaces	 everywhere
Supercalifragilisticexpialidocious is longer than antidisestablishmentarianism.
Pneumonoultramicroscopicsilicovolcanoconiosis appears in few training sets.
The Queen's English and the King's English are the same English.
AI, ML, NLP, CV, LLM, VLM: the acronym soup of the 2020s.
GPT-2's byte-level BPE maps every byte to a printable character.
The year 2038 problem affects 32-bit Unix timestamps.
Item #42 costs 3.50 and item #43 costs 0.99.
Reply with YES or NO only.
Thank you! That's exactly what I needed.
Could you translate this into French, please?
What's the difference between a llama and an alpaca?
If x > 3 and y <= 7, then x + y >= 4 is always true.
The path a/b/c/../d resolves to a/b/d.
"Quoted 'nested' quotes" are a classic edge case.
(Parentheses (nested (three deep))) and [brackets {mixed}].
The end.
"""

FRENCH = """\
Le renard brun rapide saute par-dessus le chien paresseux.
Où est la bibliothèque ? Elle est à côté de la gare.
J'ai mangé une crêpe au café avant d'aller à l'école.
L'été dernier, nous sommes allés à Aix-en-Provence.
Ça va très bien, merci ! Et toi, qu'est-ce que tu fais ce week-end ?
C'est l'histoire d'un garçon qui rêvait de voir la mer.
Les élèves doivent rendre leurs devoirs avant vendredi à midi.
Il fait beau aujourd'hui, mais il pleuvra sûrement demain.
Je n'ai jamais vu un paysage aussi époustouflant.
Noël approche : les vitrines des grands magasins sont illuminées.
La réunion est reportée au jeudi 14 mars à 15 h 30.
Quelle est la capitale de la Côte d'Ivoire ?
Elle a reçu une lettre de son aïeule, écrite en 1923.
Le cœur a ses raisons que la raison ne connaît point.
Décrivez l'image en une phrase, s'il vous plaît.
Combien de jetons visuels faut-il pour une page de document ?
Les modèles multimodaux compressent les jetons d'image pour aller plus vite.
« Bonjour », dit-il en ôtant son chapeau.
L'œuvre complète de Molière tient en cinq volumes reliés.
À bientôt, et n'oublie pas d'éteindre la lumière en partant !
Le prix est de 12,50 € TTC, livraison comprise.
Hôtel, forêt, île, âge, goût : l'accent circonflexe a une longue histoire.
Nous étions déçus par le dénouement du film.
Il s'est réveillé à l'aube, a bu un café et est parti sans un mot.
"""

OTHER_LATIN = """\
Der schnelle braune Fuchs springt über den faulen Hund.
Können Sie mir bitte sagen, wo der Bahnhof ist?
Die Straße ist wegen Bauarbeiten gesperrt – bitte Umleitung beachten.
Größenordnungen, Übergrößen und Äußerungen: deutsche Umlaute überall.
El veloz murciélago hindú comía feliz cardillo y kiwi.
¿Dónde está el baño? ¡Necesito ayuda, por favor!
La cigüeña tocaba el saxofón detrás del palenque de paja.
Mañana iremos a la montaña si no llueve.
A rápida raposa castanha salta sobre o cão preguiçoso.
Não sei se vou conseguir chegar a tempo, mas vou tentar.
Il veloce cane marrone salta sopra la volpe pigra.
Perché non mi hai chiamato ieri sera?
Tiếng Việt có rất nhiều dấu thanh: à, á, ả, ã, ạ.
Tôi muốn học cách nén các token hình ảnh trong mô hình ngôn ngữ.
Hà Nội là thủ đô của nước Cộng hòa Xã hội chủ nghĩa Việt Nam.
Pchnąć w tę łódź jeża lub ośm skrzyń fig.
Příliš žluťoučký kůň úpěl ďábelské ódy.
Árvíztűrő tükörfúrógép minden magyar billentyűzetet tesztel.
Čeština, slovenčina a slovenščina mají háčky.
Şişli'de güzel bir gün; çay içip simit yedik.
Ærøskøbing ligger på Ærø, og det er fjernt fra København.
Sju sjösjuka sjömän sköttes av sju skönsjungande sjuksköterskor.
Íslenska hefur stafina þ, ð, æ og ö.
Lietuvių kalba turi daug diakritinių ženklų: ą, č, ę, ė, į, š, ų, ū, ž.
"""

CHINESE = """\
你好，世界！
今天天气很好，我们去公园散步吧。
请描述这张图片中的主要内容。
多模态大模型需要处理大量的视觉令牌。
像素重排可以把一千零二十四个令牌压缩到二百五十六个。
这份文件的第三页有一个表格，请帮我总结一下。
我昨天买了三本书，花了一百二十元。
中华人民共和国成立于一九四九年十月一日。
学而时习之，不亦说乎？有朋自远方来，不亦乐乎？
机器学习是人工智能的一个重要分支。
请用中文回答：这只猫是什么颜色的？
北京、上海、广州和深圳是中国的一线城市。
他说：“我们明天早上八点出发。”
这个模型在文档问答任务上的准确率是百分之八十七点五。
春眠不觉晓，处处闻啼鸟。夜来风雨声，花落知多少。
请注意：本次会议改在下午三点召开。
图像被切分成十二个四百四十八乘四百四十八的图块。
繁體中文與簡體中文在字形上有所不同。
我們在台北的咖啡館裡討論了這個問題。
這是一個非常有趣的實驗結果！
“压缩比”越高，推理速度越快，但精度可能下降。
她一边听音乐，一边写作业。
在二〇二四年，视觉语言模型发展得非常快。
你吃饭了吗？还没呢，等一下一起去吧。
"""

JAPANESE = """\
こんにちは、世界！
今日はとても良い天気ですね。
この画像には何が写っていますか？
東京スカイツリーの高さは634メートルです。
私は毎朝コーヒーを飲みながら新聞を読みます。
ラーメンとカレーライス、どちらが好きですか？
吾輩は猫である。名前はまだ無い。
ＡＩ（人工知能）の研究は急速に進んでいます。
彼女はピアノを弾くのがとても上手だ。
来週の月曜日に会議があります。資料を準備してください。
ｶﾀｶﾅの半角文字と全角文字が混在しています。
ありがとうございました！またよろしくお願いします。
日本語の文章には、ひらがな、カタカナ、漢字が混ざっています。
がぎぐげご、ぱぴぷぺぽ、ヴァイオリン。
"""

KOREAN = """\
안녕하세요, 세계!
오늘 날씨가 정말 좋네요.
이 그림에 무엇이 보이나요?
저는 서울에서 태어나서 부산에서 자랐어요.
한국어는 한글이라는 고유한 문자를 사용합니다.
다음 주 화요일에 회의가 있습니다.
시각 토큰을 압축하면 추론 속도가 빨라집니다.
김치찌개와 된장찌개 중에 뭐가 더 좋아요?
감사합니다! 좋은 하루 보내세요.
대한민국의 수도는 서울입니다.
"""

CYRILLIC_GREEK = """\
Съешь же ещё этих мягких французских булок, да выпей чаю.
Привет, мир! Как дела?
Москва — столица Российской Федерации.
Опишите, пожалуйста, что изображено на картинке.
Модель сжимает визуальные токены в четыре раза.
Я читал «Войну и мир» три раза, и каждый раз по-новому.
Щедрість і ґречність — українські чесноти, ї та є теж.
Съёмка велась в Новосибирске при −35 градусах.
Бързата кафява лисица прескача мързеливото куче.
Γειά σου, κόσμε! Τι κάνεις;
Η γρήγορη καφέ αλεπού πηδάει πάνω από τον τεμπέλη σκύλο.
Ξεσκεπάζω την ψυχοφθόρα βδελυγμία.
"""

RTL_AND_INDIC = """\
مرحبا بالعالم!
اللغة العربية جميلة جداً.
ما الذي يظهر في هذه الصورة؟
السلام عليكم ورحمة الله وبركاته.
يبلغ عدد سكان القاهرة أكثر من ٢٠ مليون نسمة.
النموذج يضغط الرموز البصرية قبل إرسالها إلى نموذج اللغة.
שלום עולם! מה שלומך היום?
ירושלים היא עיר עתיקה מאוד.
نمونه فارسی: امروز هوا خیلی خوب است.
नमस्ते दुनिया! आप कैसे हैं?
भारत की राजधानी नई दिल्ली है।
यह मॉडल दृश्य टोकनों को संपीड़ित करता है।
สวัสดีชาวโลก วันนี้อากาศดีมาก
ภาษาไทยไม่มีการเว้นวรรคระหว่างคำ
வணக்கம் உலகம்!
ສະບາຍດີ ໂລກ
გამარჯობა, მსოფლიო!
Բարեւ աշխարհ
ሰላም ልዑል
"""

CODE = """\
def encode(text: str) -> list[int]:
    return [vocab[t] for t in pre_tokenize(normalize(text))]
if __name__ == "__main__":
    main(sys.argv[1:])
for i in range(10): print(i, i ** 2, sep="\\t")
import torch; x = torch.randn(2, 3, 448, 448, dtype=torch.bfloat16)
class VisionEncoder(nn.Module):
        self.layers = nn.ModuleList([Block(cfg) for _ in range(cfg.depth)])
    raise ValueError(f"expected 3 channels, got {x.shape[1]}")
lambda x: x if x is not None else default
#include <vector>
#include "tokenizer/tokenizer.h"
int main(int argc, char **argv) { return argc > 1 ? run(argv[1]) : 0; }
std::vector<std::int32_t> ids = tokenizer.encode(u8"héllo wörld");
template <typename T> constexpr T clamp(T v, T lo, T hi) noexcept;
auto [it, inserted] = map.try_emplace(key, std::move(value));
    for (std::size_t i = 0; i < n; ++i) sum += a[i] * b[i];
if (ptr != nullptr && ptr->size() >= 256) { throw std::runtime_error("too big"); }
// TODO(alice): handle the 0x7FFFFFFF overflow case
/* multi-line comments start like this */
const tokens = await tokenizer.encode("Hello, world!");
export default function App() { return <div className="app">{children}</div>; }
let total = items.reduce((acc, x) => acc + x.price * x.qty, 0);
console.log(`value=${value}, ok=${ok === true}`);
fn main() { let v: Vec<u32> = (0..10).map(|x| x * x).collect(); println!("{:?}", v); }
impl<'a> Iterator for Tokens<'a> { type Item = &'a str; }
func main() { fmt.Println("hello, 世界") }
SELECT id, name, COUNT(*) AS n FROM users WHERE age >= 18 GROUP BY id, name ORDER BY n DESC;
INSERT INTO tokens (id, text) VALUES (151644, '<|im_start|>');
git commit -m "Fix off-by-one in the tile grid" && git push origin main
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
ls -la /usr/share/doc | grep -i pcre | sort -k5 -n | tail -3
export PATH="$HOME/.local/bin:$PATH"; echo "${PATH//:/ }"
curl -sSL https://example.com/install.sh | bash -s -- --prefix=/opt/app
{"model": {"type": "BPE", "vocab": {"a": 0, "b": 1}, "merges": [["a", "b"]]}}
[1, 2, 3, 4.5, -6e-7, true, false, null, "str\\u00e9"]
key: value  # yaml comment
  - name: build
    run: ninja -C build tokenscope-cli
<html><head><title>TokenScope</title></head><body><p class="x">Hi&nbsp;there</p></body></html>
<svg width="100" height="100"><circle cx="50" cy="50" r="40" /></svg>
\\begin{equation} \\sum_{i=1}^{n} x_i^2 \\leq \\left( \\sum_{i=1}^{n} |x_i| \\right)^2 \\end{equation}
$$ \\mathbf{y} = \\mathrm{softmax}(QK^\\top / \\sqrt{d_k}) V $$
a += 1; b -= 2; c *= 3; d /= 4; e %= 5; f <<= 6; g >>= 7; h ^= 8;
x = y == z ? a : b; p = q != r && s || !t;
0x1F 0b1010 0o777 1_000_000 3.14159f 2.5e-10 1e+300 -0.0 NaN Inf
printf("%d %s %5.2f %%\\n", n, name, ratio);
#define MAX(a, b) ((a) > (b) ? (a) : (b))
@decorator(arg=1)
async def fetch(session, url): async with session.get(url) as r: return await r.text()
try: pass
except (KeyError, IndexError) as e: log.exception("lookup failed: %s", e)
    return {k: v for k, v in sorted(d.items(), key=lambda kv: -kv[1])[:10]}
=IF(A1>100,"high",IF(A1>50,"medium","low"))
MATCH (a:Person)-[:KNOWS]->(b:Person) RETURN a.name, b.name LIMIT 25
"""

SPECIAL_TOKENS = [
    "<|im_start|>", "<|im_end|>", "<|endoftext|>", "<think>", "</think>",
    "<|vision_start|>", "<|vision_end|>", "<|image_pad|>", "<|video_pad|>",
    "<tool_call>", "</tool_call>", "<|box_start|>", "<|box_end|>", "<|object_ref_start|>",
    "<|object_ref_end|>", "<|quad_start|>", "<|quad_end|>", "<|fim_prefix|>", "<|fim_middle|>",
    "<|fim_suffix|>", "<|fim_pad|>", "<|repo_name|>", "<|file_sep|>", "<tool_response>",
    "</tool_response>", "<|vision_pad|>",
]

# Near-misses of special tokens must be tokenized as ordinary text.
NEAR_MISSES = [
    "<|im_start>", "<im_start|>", "<|IM_START|>", "<|im_start |>", "< |im_end|>", "<thinking>",
    "</ think>", "<|endoftext", "endoftext|>", "<|im_end|", "<<|im_end|>>", "<think/>",
]

EMOJI = [
    "😀", "😂", "🥲", "😍", "🤔", "🙃", "👍", "👍🏽", "👋🏿", "🙏", "🔥", "✨", "🎉", "💯", "❤️",
    "🧡", "💔", "🚀", "🌍", "🌧️", "☕", "🍕", "🐱", "🐶", "🦙", "🤖", "👩‍💻", "👨‍👩‍👧‍👦",
    "🏳️‍🌈", "🇫🇷", "🇯🇵", "🇺🇸", "🇨🇳", "🇰🇷", "1️⃣", "#️⃣", "©️", "™️", "♻️", "⚠️", "✅", "❌",
    "🫠", "🫶🏻", "🧑🏾‍🚀", "👁️‍🗨️", "🤷‍♀️", "🏃🏻‍♂️",
]

WHITESPACE_CHARS = {
    "space": " ", "tab": "\t", "nbsp": "\u00a0", "ideographic": "\u3000", "nel": "\u0085",
    "line-sep": "\u2028", "para-sep": "\u2029", "thin": "\u2009", "narrow-nbsp": "\u202f",
    "em-space": "\u2003", "mongolian-vowel-sep": "\u180e", "zwsp": "\u200b", "zwj": "\u200d",
    "bom": "\ufeff", "ogham": "\u1680",
}

SPEAKERS = ["system", "user", "assistant", "tool"]


def lines_of(block):
    return [line for line in block.split("\n") if line != ""]


def decomposed(line):
    """NFD form; only useful when it differs from the original."""
    return unicodedata.normalize("NFD", line)


def number_line(rng):
    kinds = [
        lambda: str(rng.randint(0, 10 ** rng.randint(1, 12))),
        lambda: f"{rng.uniform(-1e4, 1e4):.{rng.randint(0, 6)}f}",
        lambda: f"{rng.randint(1, 9)}.{rng.randint(0, 99):02d}e{rng.choice(['-', '+', ''])}{rng.randint(1, 300)}",
        lambda: f"{rng.randint(1900, 2099)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        lambda: f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}",
        lambda: f"+{rng.randint(1, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
        lambda: f"${rng.randint(0, 99999):,}.{rng.randint(0, 99):02d}",
        lambda: f"{rng.randint(0, 100)}%",
        lambda: f"v{rng.randint(0, 9)}.{rng.randint(0, 99)}.{rng.randint(0, 999)}",
        lambda: f"{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}",
        lambda: "0x" + "".join(rng.choice("0123456789abcdef") for _ in range(rng.randint(2, 16))),
        lambda: "".join(rng.choice("٠١٢٣٤٥٦٧٨٩")) * rng.randint(1, 4),
        lambda: "".join(rng.choice("０１２３４５６７８９") for _ in range(rng.randint(1, 6))),
        lambda: rng.choice(["½", "¼", "¾", "⅓", "Ⅻ", "ⅳ", "①", "⑳", "²", "³", "₁₀", "〇", "五", "万"]),
        lambda: f"{rng.randint(1, 999)}×{rng.randint(1, 999)}={rng.randint(1, 999999)}",
    ]
    count = rng.randint(1, 6)
    parts = [rng.choice(kinds)() for _ in range(count)]
    seps = [" ", ", ", "; ", " / ", " - ", "", " and ", "\t"]
    out = parts[0]
    for part in parts[1:]:
        out += rng.choice(seps) + part
    return out


def with_whitespace(rng, line):
    names = list(WHITESPACE_CHARS)
    choice = rng.randrange(7)
    if choice == 0:
        return " " * rng.randint(1, 8) + line
    if choice == 1:
        return line + " " * rng.randint(1, 8)
    if choice == 2:
        return "\t" * rng.randint(1, 3) + line + rng.choice(["", " ", "\t", " \t "])
    if choice == 3:
        words = line.split(" ")
        return "".join(w + " " * rng.randint(1, 5) for w in words).rstrip(" ") + " " * rng.randint(0, 2)
    if choice == 4:
        ws = WHITESPACE_CHARS[rng.choice(names)]
        return line.replace(" ", ws, rng.randint(1, 3))
    if choice == 5:
        ws = WHITESPACE_CHARS[rng.choice(names)] * rng.randint(1, 4)
        return ws + line + ws
    return "    " * rng.randint(1, 4) + line


def chat_line(rng, sentence_pool):
    speaker = rng.choice(SPEAKERS)
    body = rng.choice(sentence_pool)
    shape = rng.randrange(6)
    if shape == 0:
        return f"<|im_start|>{speaker}"
    if shape == 1:
        return f"{body}<|im_end|>"
    if shape == 2:
        return f"<|im_start|>{speaker} {body}<|im_end|>"
    if shape == 3:
        return f"<think>{body}</think>{rng.choice(sentence_pool)}"
    if shape == 4:
        return f"<|vision_start|>{'<|image_pad|>' * rng.randint(1, 6)}<|vision_end|>{body}"
    tokens = rng.sample(SPECIAL_TOKENS, rng.randint(1, 4))
    words = body.split(" ")
    for token in tokens:
        words.insert(rng.randint(0, len(words)), token)
    return rng.choice([" ", "", "  "]).join(words)


def emoji_line(rng, sentence_pool):
    shape = rng.randrange(4)
    if shape == 0:
        return "".join(rng.choice(EMOJI) for _ in range(rng.randint(1, 8)))
    if shape == 1:
        return rng.choice(sentence_pool) + " " + " ".join(rng.choice(EMOJI) for _ in range(rng.randint(1, 3)))
    if shape == 2:
        words = rng.choice(sentence_pool).split(" ")
        return " ".join(w + (rng.choice(EMOJI) if rng.random() < 0.3 else "") for w in words)
    return rng.choice(EMOJI) + rng.choice(sentence_pool) + rng.choice(EMOJI)


def mixed_line(rng, pools):
    count = rng.randint(2, 4)
    chosen = [rng.choice(rng.choice(pools)) for _ in range(count)]
    fragments = []
    for sentence in chosen:
        words = sentence.split(" ")
        if len(words) > 3:
            start = rng.randrange(len(words) - 2)
            sentence = " ".join(words[start:start + rng.randint(2, 6)])
        fragments.append(sentence)
    return rng.choice([" ", " / ", " | ", "，", " — ", ""]).join(fragments)


def edge_lines():
    out = [
        "", " ", "  ", "\t", " \t ", "a", "A", "'", "''", "'s", "'S", "x's", "X'S", "'re'", "''ll",
        "I'm", "I'M", "i'M", "'d've", "'t", "o'clock", "rock'n'roll", "'ſ",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "=" * 80, "-" * 120, "#" * 40, "." * 64, "!?" * 20, "ab" * 60, "🙂" * 30, "的" * 50,
        "abc" + " " * 200 + "def", "\t" * 30 + "x", " " * 150,
        "SGVsbG8gd29ybGQhIFRoaXMgaXMgYmFzZTY0IGVuY29kZWQgdGV4dCBmb3IgdG9rZW5pemVyIHRlc3RpbmcuCg==",
        "d41d8cd98f00b204e9800998ecf8427e  empty.txt",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f ff fe fd",
        "...", "…", "?!", "¿¡", "«»", "„“", "‹›", "【】", "「」", "『』", "（）", "〈〉",
        "a\u0301", "e\u0300\u0323", "A\u030a", "\u212b", "\u2126", "n\u0303", "o\u0308\u0304",
        "\u1100\u1161\u11a8", "\u1112\u1161\u11ab\u1100\u1173\u11af", "\u304b\u3099", "\u30cf\u309a",
        "ﬁ ﬂ ﬀ ﬃ", "Å Å Å", "ｆｕｌｌｗｉｄｔｈ", "𝐁𝐨𝐥𝐝 𝑰𝒕𝒂𝒍𝒊𝒄 𝔉𝔯𝔞𝔨𝔱𝔲𝔯", "ℌℑℜℭ",
        "\u00ad soft hyphen", "zero\u200bwidth\u200bspace", "left\u200eto\u200fright", "word\u2060joiner",
        "a\u180e b \u180e\u180e c\u180e",
        "bell\u0007char", "esc\u001b[31mred\u001b[0m", "del\u007fchar",
        "𓀀𓀁𓀂 hieroglyphs", "𠀀𠀁𠀂 CJK extension B", "🀄🃏 game pieces", "∀x∈ℝ: x²≥0",
        "→ ← ↑ ↓ ⇒ ⇔ ∞ ≈ ≠ ≤ ≥ √ ∑ ∏ ∫", "♠♣♥♦ ♪♫ ☀☁☂ ★☆", "©®™ §¶ †‡ •◦",
        "<", ">", "<|", "|>", "<>", "</>", "<|im_start|>", "<|im_end|>", "<|endoftext|>", "<think>",
        "</think>", "<|im_start|><|im_end|>", "<|im_start|><|im_start|><|im_start|>",
        "<think></think>", "<|endoftext|><|endoftext|>", " <|im_end|> ", "  <think>  ", "\t<|im_start|>\t",
        "x<|im_end|>y", "1<|endoftext|>2", "你<think>好", "é<|im_end|>\u0301",
        "<|im_start|>system\tYou are a helpful assistant.", "<|im_start|>assistant ",
    ]
    return out


def main():
    rng = random.Random(20240611)
    pools = {
        "en": lines_of(ENGLISH), "fr": lines_of(FRENCH), "latin": lines_of(OTHER_LATIN),
        "zh": lines_of(CHINESE), "ja": lines_of(JAPANESE), "ko": lines_of(KOREAN),
        "cyr": lines_of(CYRILLIC_GREEK), "rtl": lines_of(RTL_AND_INDIC), "code": lines_of(CODE),
    }
    prose = [line for key, lines in pools.items() if key != "code" for line in lines]
    out = []
    out += edge_lines()
    for key in pools:
        out += pools[key]
    out += NEAR_MISSES
    # Decomposed accents: NFC must recompose them before the pre-tokenizer sees them.
    accented = [line for line in prose if decomposed(line) != line]
    out += [decomposed(line) for line in accented]
    out += [decomposed(line) for line in rng.sample(accented, 40)]  # again, mixed below
    out += [with_whitespace(rng, decomposed(rng.choice(accented))) for _ in range(60)]
    out += [with_whitespace(rng, rng.choice(prose)) for _ in range(260)]
    out += [with_whitespace(rng, rng.choice(pools["code"])) for _ in range(80)]
    out += [chat_line(rng, prose) for _ in range(260)]
    out += [emoji_line(rng, prose) for _ in range(160)]
    out += [number_line(rng) for _ in range(200)]
    out += [mixed_line(rng, list(pools.values())) for _ in range(380)]
    out += [rng.choice(prose) + " " + number_line(rng) for _ in range(80)]
    out += [rng.choice(NEAR_MISSES) + rng.choice(prose) for _ in range(30)]
    out += [
        rng.choice(prose).upper() if rng.random() < 0.5 else rng.choice(prose).lower()
        for _ in range(80)
    ]
    for line in out:
        assert "\n" not in line and "\r" not in line, repr(line)
    sys.stdout.buffer.write(("\n".join(out) + "\n").encode("utf-8"))


if __name__ == "__main__":
    main()
