<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>EngineWorker</name>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>%1: unknown error while loading</source>
        <translation>%1：加载时发生未知错误</translation>
    </message>
    <message>
        <source>No model is loaded.</source>
        <translation>未加载模型。</translation>
    </message>
    <message>
        <source>Unknown error while running the model.</source>
        <translation>运行模型时发生未知错误。</translation>
    </message>
    <message>
        <source>The model was closed.</source>
        <translation>模型已关闭。</translation>
    </message>
    <message>
        <source>Another task replaced it.</source>
        <translation>已被另一个任务取代。</translation>
    </message>
    <message>
        <source>The model was replaced by %1.</source>
        <translation>模型已被 %1 替换。</translation>
    </message>
</context>
<context>
    <name>Gallery</name>
    <message>
        <source>no resources folder found (set TOKENSCOPE_RESOURCES)</source>
        <translation>未找到资源文件夹（请设置 TOKENSCOPE_RESOURCES）</translation>
    </message>
    <message>
        <source>%1: not a JSON array of images (%2)</source>
        <translation>%1：不是图像的 JSON 数组（%2）</translation>
    </message>
    <message>
        <source>Synthetic task, 3×2 tiles</source>
        <translation>合成任务，3×2 图块</translation>
    </message>
    <message>
        <source>the router keeps the two card tiles at 1/4 and sends the shape tiles at 1/16 (answer: lamp)</source>
        <translation>路由器将两张卡片所在的图块保留为 1/4，把形状图块压缩到 1/16（答案：lamp）</translation>
    </message>
    <message>
        <source>Synthetic task, 5×1 tiles</source>
        <translation>合成任务，5×1 图块</translation>
    </message>
    <message>
        <source>a wide image: five tiles in a row plus the thumbnail; the shape tile goes to 1/16 and keeps its colour (answer: purple)</source>
        <translation>宽图：一行五个图块加缩略图；形状图块压缩到 1/16，颜色仍然保留（答案：purple）</translation>
    </message>
    <message>
        <source>Rocket launch (photo)</source>
        <translation>火箭发射（照片）</translation>
    </message>
    <message>
        <source>a real photograph: the demo model never saw one, so watch the routing, not the answer</source>
        <translation>真实照片：演示模型从未见过此类图像，请关注路由，而非回答</translation>
    </message>
    <message>
        <source>Astronaut (photo)</source>
        <translation>宇航员（照片）</translation>
    </message>
    <message>
        <source>a real portrait photograph</source>
        <translation>真实人像照片</translation>
    </message>
    <message>
        <source>Coffee cup (photo)</source>
        <translation>咖啡杯（照片）</translation>
    </message>
    <message>
        <source>a real photograph</source>
        <translation>真实照片</translation>
    </message>
    <message>
        <source>Cat (photo)</source>
        <translation>猫（照片）</translation>
    </message>
    <message>
        <source>Text (document)</source>
        <translation>文字（文档）</translation>
    </message>
    <message>
        <source>a scanned text image: dense detail for the router and the selectors</source>
        <translation>扫描的文字图像：供路由器和选择器处理的密集细节</translation>
    </message>
</context>
<context>
    <name>GuiOptions</name>
    <message>
        <source>TokenScope: see what visual-token compression does to a multimodal LLM.</source>
        <translation>TokenScope：观察视觉令牌压缩对多模态 LLM 的影响。</translation>
    </message>
    <message>
        <source>Model folder to open.</source>
        <translation>要打开的模型文件夹。</translation>
    </message>
    <message>
        <source>Image to open.</source>
        <translation>要打开的图像。</translation>
    </message>
    <message>
        <source>Question to ask once both are loaded.</source>
        <translation>两者加载完成后要提出的问题。</translation>
    </message>
    <message>
        <source>Compression method, as tokenscope-cli names it (vir, none, all-1/16, visionselector, vir+fastv, …; tokenscope-cli methods lists them).</source>
        <translation>压缩方法，名称与 tokenscope-cli 一致（vir、none、all-1/16、visionselector、vir+fastv 等；用 tokenscope-cli methods 可列出全部方法）。</translation>
    </message>
    <message>
        <source>Token budget in (0, 1].</source>
        <translation>令牌预算，取值范围 (0, 1]。</translation>
    </message>
    <message>
        <source>Open in compare mode, the right canvas running this method.</source>
        <translation>以对比模式打开，右侧画布运行此方法。</translation>
    </message>
    <message>
        <source>The right canvas&apos;s budget in (0, 1].</source>
        <translation>右侧画布的预算，取值范围 (0, 1]。</translation>
    </message>
    <message>
        <source>Longest answer, in tokens.</source>
        <translation>回答的最大长度（令牌数）。</translation>
    </message>
    <message>
        <source>cpu or cuda.</source>
        <translation>cpu 或 cuda。</translation>
    </message>
    <message>
        <source>fp32 or bf16 (default: fp32 on cpu, bf16 on cuda).</source>
        <translation>fp32 或 bf16（默认：cpu 上为 fp32，cuda 上为 bf16）。</translation>
    </message>
    <message>
        <source>Compute threads (0: one per core).</source>
        <translation>计算线程数（0：每个核心一个）。</translation>
    </message>
    <message>
        <source>No window: run once and write overlay.png, stages.png, answer.txt and result.json (also the default when there is no display).</source>
        <translation>无窗口：运行一次并写出 overlay.png、stages.png、answer.txt 和 result.json（没有显示器时也默认如此）。</translation>
    </message>
    <message>
        <source>Output folder for --headless.</source>
        <translation>--headless 的输出文件夹。</translation>
    </message>
    <message>
        <source>A sweep folder to open in the Sweep tab.</source>
        <translation>要在“扫描”选项卡中打开的扫描文件夹。</translation>
    </message>
    <message>
        <source>Save a PNG of the window after the first answer, then quit.</source>
        <translation>得到第一个回答后将窗口保存为 PNG，然后退出。</translation>
    </message>
    <message>
        <source>--budget must be a number in (0, 1], got &apos;%1&apos;</source>
        <translation>--budget 必须是 (0, 1] 范围内的数，实际为“%1”</translation>
    </message>
    <message>
        <source>--compare-budget must be a number in (0, 1], got &apos;%1&apos;</source>
        <translation>--compare-budget 必须是 (0, 1] 范围内的数，实际为“%1”</translation>
    </message>
    <message>
        <source>--max-new-tokens must be a positive integer</source>
        <translation>--max-new-tokens 必须是正整数</translation>
    </message>
    <message>
        <source>--threads must be 0 or a positive integer</source>
        <translation>--threads 必须是 0 或正整数</translation>
    </message>
    <message>
        <source>--device must be cpu or cuda, got &apos;%1&apos;</source>
        <translation>--device 必须是 cpu 或 cuda，实际为“%1”</translation>
    </message>
    <message>
        <source>--dtype must be fp32 or bf16, got &apos;%1&apos;</source>
        <translation>--dtype 必须是 fp32 或 bf16，实际为“%1”</translation>
    </message>
    <message>
        <source>Interface language: en, fr or zh_CN (default: the last one chosen, or the system&apos;s).</source>
        <translation>界面语言：en、fr 或 zh_CN（默认：上次选择的语言，或系统语言）。</translation>
    </message>
</context>
<context>
    <name>ImageLoader</name>
    <message>
        <source>%1: could not be decoded</source>
        <translation>%1：无法解码</translation>
    </message>
</context>
<context>
    <name>OverlayExport</name>
    <message>
        <source>answer: %1</source>
        <translation>回答：%1</translation>
    </message>
</context>
<context>
    <name>OverlayPainter</name>
    <message numerus="yes">
        <source>1/4 full resolution: %n tile(s)</source>
        <translation>
            <numerusform>1/4 全分辨率：%n 个图块</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>1/16 compressed: %n tile(s)</source>
        <translation>
            <numerusform>1/16 压缩：%n 个图块</numerusform>
        </translation>
    </message>
    <message>
        <source>thumbnail: %1</source>
        <translation>缩略图：%1</translation>
    </message>
    <message>
        <source>visual tokens %1 / %2 (%3%)</source>
        <translation>视觉令牌 %1 / %2（%3%）</translation>
    </message>
    <message>
        <source>%1 score %2 → %3</source>
        <translation>%1 得分 %2 → %3</translation>
    </message>
    <message>
        <source>dropped: dimmed, hatched</source>
        <translation>丢弃：变暗并加阴影线</translation>
    </message>
    <message>
        <source>p: the router&apos;s p(compress); 1/16 where p &gt; %1 (quantile %2 of p) and p ≥ %3</source>
        <translation>p：路由器的 p(压缩)；当 p &gt; %1（p 的 %2 分位数）且 p ≥ %3 时为 1/16</translation>
    </message>
    <message>
        <source>p: the router&apos;s p(compress); 1/16 from the highest p down, to the budget</source>
        <translation>p：路由器的 p(压缩)；从最高的 p 起依次设为 1/16，直到满足预算</translation>
    </message>
    <message>
        <source>p: the router&apos;s p(compress), not used by this method</source>
        <translation>p：路由器的 p(压缩)，此方法未使用</translation>
    </message>
    <message>
        <source>no token scores: %1 does not rank tokens</source>
        <translation>无令牌分数：%1 不对令牌排序</translation>
    </message>
    <message>
        <source>no token scores: %1 keeps every token of its tiles</source>
        <translation>无令牌分数：%1 保留其图块的全部令牌</translation>
    </message>
    <message numerus="yes">
        <source>merged: %n dropped token(s) → the kept token each joined</source>
        <translation>
            <numerusform>已合并：%n 个丢弃的令牌 → 各自并入的保留令牌</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ResultText</name>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>%1 · %2 parameters · flash %3 · selector %4 · %5-px tiles, %6/%7 tokens per tile · %8, %9, threads %10</source>
        <translation>%1 · 参数量 %2 · flash %3 · 选择器 %4 · %5 像素图块，每个图块 %6/%7 个令牌 · %8，%9，线程数 %10</translation>
    </message>
    <message>
        <source>visual tokens %1 / %2 (%3%), prompt %4</source>
        <translation>视觉令牌 %1 / %2（%3%），提示词 %4</translation>
    </message>
    <message>
        <source>(empty answer: the model stopped at once)</source>
        <translation>（空回答：模型立即停止了）</translation>
    </message>
    <message>
        <source> — asked %1%: every tile at 1/16 is the least ViR can send</source>
        <translation> — 要求 %1%：所有图块为 1/16 已是 ViR 能发送的最少量</translation>
    </message>
</context>
<context>
    <name>SweepFigures</name>
    <message>
        <source>mean score (%1)</source>
        <translation>平均得分（%1）</translation>
    </message>
    <message>
        <source>mean score</source>
        <translation>平均得分</translation>
    </message>
    <message>
        <source>no data</source>
        <translation>无数据</translation>
    </message>
    <message>
        <source>kept visual tokens (fraction of all visual tokens)</source>
        <translation>保留的视觉 token（占全部视觉 token 的比例）</translation>
    </message>
    <message>
        <source>Prefill latency vs budget</source>
        <translation>预填充延迟与预算</translation>
    </message>
    <message>
        <source>token budget (fraction of visual tokens)</source>
        <translation>token 预算（占视觉 token 的比例）</translation>
    </message>
    <message>
        <source>median prefill latency (ms)</source>
        <translation>预填充延迟中位数（毫秒）</translation>
    </message>
    <message>
        <source>Quality–latency trade-off</source>
        <translation>质量与延迟的权衡</translation>
    </message>
    <message>
        <source>median total latency per sample (ms)</source>
        <translation>每个样本总延迟的中位数（毫秒）</translation>
    </message>
    <message>
        <source>Pareto front</source>
        <translation>帕累托前沿</translation>
    </message>
    <message>
        <source>every token (none): %1</source>
        <translation>全部令牌 (none)：%1</translation>
    </message>
    <message>
        <source>Score vs kept visual tokens (bars: 95% bootstrap interval)</source>
        <translation>得分与保留的视觉令牌（误差线：95% bootstrap 区间）</translation>
    </message>
</context>
<context>
    <name>SweepJob</name>
    <message>
        <source>%1 The cells finished so far are kept; Run Sweep again resumes.</source>
        <translation>%1 已完成的单元均已保留；再次运行扫描即可继续。</translation>
    </message>
</context>
<context>
    <name>Translations</name>
    <message>
        <source>System language</source>
        <translation>系统语言</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>headless mode needs --model, --image and --question</source>
        <translation>无窗口模式需要 --model、--image 和 --question</translation>
    </message>
</context>
<context>
    <name>tokenscope::widgets::AnswerHistoryModel</name>
    <message>
        <source>%1 right</source>
        <translation>%1 右</translation>
    </message>
    <message>
        <source>(no visible text)</source>
        <translation>（无可见文本）</translation>
    </message>
    <message>
        <source>%1 against the reference: %2</source>
        <translation>%1（与参考答案相比）：%2</translation>
    </message>
    <message>
        <source>Double-click to show this ask again</source>
        <translation>双击以再次显示此次提问</translation>
    </message>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>Question</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>方法</translation>
    </message>
    <message>
        <source>Budget</source>
        <translation>预算</translation>
    </message>
    <message>
        <source>Tokens sent</source>
        <translation>发送的令牌</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>回答</translation>
    </message>
    <message>
        <source>Reference</source>
        <translation>参考答案</translation>
    </message>
    <message>
        <source>Match</source>
        <translation>匹配</translation>
    </message>
    <message>
        <source>ms</source>
        <translation>毫秒</translation>
    </message>
</context>
<context>
    <name>tokenscope::widgets::AnswerHistoryView</name>
    <message>
        <source>Every answer of this session, newest first. Double-click a row to show it again.</source>
        <translation>本次会话的所有回答，最新的在前。双击某行可再次显示。</translation>
    </message>
</context>
<context>
    <name>tokenscope::widgets::ComputePanel</name>
    <message>
        <source>Apply</source>
        <translation>应用</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>CUDA GPU</source>
        <translation>CUDA GPU</translation>
    </message>
    <message>
        <source>all cores</source>
        <translation>全部核心</translation>
    </message>
    <message>
        <source>threads </source>
        <translation>线程 </translation>
    </message>
    <message>
        <source>Reload the model with these settings</source>
        <translation>使用这些设置重新加载模型</translation>
    </message>
    <message>
        <source>Where the model runs; CUDA needs a CUDA build of LibTorch and a GPU</source>
        <translation>模型运行的位置；CUDA 需要 CUDA 版 LibTorch 和 GPU</translation>
    </message>
    <message>
        <source>fp32 on CPUs; bf16 is the released models&apos; dtype and the fast path on GPUs</source>
        <translation>CPU 上用 fp32；bf16 是已发布模型的数据类型，也是 GPU 上的快速路径</translation>
    </message>
</context>
<context>
    <name>tokenscope::widgets::GalleryView</name>
    <message>
        <source>No demo images found.</source>
        <translation>未找到示例图像。</translation>
    </message>
</context>
<context>
    <name>tokenscope::widgets::ImageCanvas</name>
    <message>
        <source>thumbnail</source>
        <translation>缩略图</translation>
    </message>
    <message>
        <source>column %1, row %2</source>
        <translation>第 %1 列，第 %2 行</translation>
    </message>
    <message>
        <source>n/a (no router)</source>
        <translation>不适用（无路由器）</translation>
    </message>
    <message>
        <source>Tile %1 (%2)
ratio %3
p(compress) %4
tokens %5</source>
        <translation>图块 %1（%2）
比例 %3
p(compress) %4
令牌 %5</translation>
    </message>
    <message>
        <source>kept</source>
        <translation>保留</translation>
    </message>
    <message>
        <source>dropped</source>
        <translation>丢弃</translation>
    </message>
    <message>
        <source>merged into token %1</source>
        <translation>合并到令牌 %1</translation>
    </message>
    <message>
        <source>Drop an image or a model folder here
(File → Open Image… or Open Model Folder…)</source>
        <translation>将图像或模型文件夹拖放到此处
（文件 → 打开图像… 或 打开模型文件夹…）</translation>
    </message>
    <message>
        <source>Token %1 (tile %2 at %3, cell %4,%5) · score %6 · %7</source>
        <translation>令牌 %1（图块 %2，%3，单元 %4,%5）· 得分 %6 · %7</translation>
    </message>
</context>
<context>
    <name>tokenscope::widgets::InspectPage</name>
    <message>
        <source>Model and image</source>
        <translation>模型和图像</translation>
    </message>
    <message>
        <source>Question</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Compression</source>
        <translation>压缩</translation>
    </message>
    <message>
        <source>Compare: right canvas</source>
        <translation>对比：右侧画布</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>图层</translation>
    </message>
    <message>
        <source>The token under the cursor; click a token to pin it</source>
        <translation>光标下的令牌；单击令牌可将其固定</translation>
    </message>
    <message>
        <source>No model loaded.</source>
        <translation>未加载模型。</translation>
    </message>
    <message>
        <source>No image loaded.</source>
        <translation>未加载图像。</translation>
    </message>
    <message>
        <source>The model&apos;s answer appears here.</source>
        <translation>模型的回答将显示在此处。</translation>
    </message>
    <message>
        <source>%1 · budget %2%</source>
        <translation>%1 · 预算 %2%</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>正在加载 %1…</translation>
    </message>
    <message>
        <source>Right canvas: %1</source>
        <translation>右侧画布：%1</translation>
    </message>
    <message>
        <source>Asking…</source>
        <translation>正在提问…</translation>
    </message>
    <message>
        <source>%1 (%2 × %3)</source>
        <translation>%1（%2 × %3）</translation>
    </message>
    <message>
        <source>Left: %1
Right: %2</source>
        <translation>左：%1
右：%2</translation>
    </message>
    <message>
        <source>Answered in %1 ms</source>
        <translation>回答用时 %1 ms</translation>
    </message>
    <message>
        <source>Pinned: %1</source>
        <translation>已固定：%1</translation>
    </message>
    <message>
        <source>Method &apos;%1&apos; cannot run on the loaded model</source>
        <translation>方法“%1”无法在已加载的模型上运行</translation>
    </message>
    <message>
        <source>Hover a token to inspect it; click to pin; hold Space to see the image alone.</source>
        <translation>悬停在令牌上可查看详情；单击可固定；按住空格键可只看图像。</translation>
    </message>
    <message>
        <source>the left canvas</source>
        <translation>左侧画布</translation>
    </message>
</context>
<context>
    <name>tokenscope::widgets::LayerPanel</name>
    <message>
        <source>Tile grid (router)</source>
        <translation>图块网格（路由器）</translation>
    </message>
    <message>
        <source>Token scores</source>
        <translation>令牌得分</translation>
    </message>
    <message>
        <source>Dropped tokens</source>
        <translation>丢弃的令牌</translation>
    </message>
    <message>
        <source>Merges</source>
        <translation>合并</translation>
    </message>
    <message>
        <source>Tiles outlined and tinted by ratio: blue 1/4 (full), orange 1/16 (compressed)</source>
        <translation>按比例为图块描边着色：蓝色为 1/4（完整），橙色为 1/16（压缩）</translation>
    </message>
    <message>
        <source>The method&apos;s per-token score (selector score, attention received, …)</source>
        <translation>方法为每个令牌给出的得分（选择器得分、所获注意力等）</translation>
    </message>
    <message>
        <source>Tokens that do not reach the LLM, dimmed and hatched</source>
        <translation>未送入 LLM 的令牌，变暗并加阴影线显示</translation>
    </message>
    <message>
        <source>Lines from each merged token to the kept token it was merged into</source>
        <translation>从每个被合并的令牌连向其所并入的保留令牌的连线</translation>
    </message>
    <message>
        <source>Opacity of the token layers</source>
        <translation>令牌图层的不透明度</translation>
    </message>
    <message>
        <source>Opacity:</source>
        <translation>不透明度：</translation>
    </message>
</context>
<context>
    <name>tokenscope::widgets::MainWindow</name>
    <message>
        <source>TokenScope</source>
        <translation>TokenScope</translation>
    </message>
    <message>
        <source>Inspect</source>
        <translation>检查</translation>
    </message>
    <message>
        <source>Sweep</source>
        <translation>扫描</translation>
    </message>
    <message>
        <source>Controls</source>
        <translation>控制</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Gallery</source>
        <translation>图库</translation>
    </message>
    <message>
        <source>Open a model folder (Ctrl+M) and an image (Ctrl+O), or drop them here.</source>
        <translation>打开模型文件夹（Ctrl+M）和图像（Ctrl+O），或将它们拖放到此处。</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>Open &amp;Model Folder…</source>
        <translation>打开模型文件夹(&amp;M)…</translation>
    </message>
    <message>
        <source>&amp;Open Image…</source>
        <translation>打开图像(&amp;O)…</translation>
    </message>
    <message>
        <source>Recent Models</source>
        <translation>最近的模型</translation>
    </message>
    <message>
        <source>Recent Images</source>
        <translation>最近的图像</translation>
    </message>
    <message>
        <source>Open &amp;Sweep Folder…</source>
        <translation>打开扫描文件夹(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Export Overlay PNG…</source>
        <translation>导出叠加层 PNG(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Fit to Window</source>
        <translation>适应窗口(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Inspect</source>
        <translation>检查(&amp;I)</translation>
    </message>
    <message>
        <source>S&amp;weep</source>
        <translation>扫描(&amp;W)</translation>
    </message>
    <message>
        <source>&amp;Compare Side by Side</source>
        <translation>并排对比(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>运行(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Ask</source>
        <translation>提问(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation>取消(&amp;C)</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>Open Model Folder</source>
        <translation>打开模型文件夹</translation>
    </message>
    <message>
        <source>Open Image</source>
        <translation>打开图像</translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.jpeg *.bmp *.webp *.tif *.tiff);;All files (*)</source>
        <translation>图像 (*.png *.jpg *.jpeg *.bmp *.webp *.tif *.tiff);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Export Overlay PNG</source>
        <translation>导出叠加层 PNG</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <source>Wrote %1</source>
        <translation>已写入 %1</translation>
    </message>
    <message>
        <source>%1: could not be written</source>
        <translation>%1：无法写入</translation>
    </message>
    <message>
        <source>TokenScope — %1</source>
        <translation>TokenScope — %1</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <source>Opened sweep %1</source>
        <translation>已打开扫描 %1</translation>
    </message>
    <message>
        <source>Open Sweep Folder</source>
        <translation>打开扫描文件夹</translation>
    </message>
    <message>
        <source>&amp;Copy Overlay</source>
        <translation>复制叠加层(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>The window speaks %1 from the next start.</source>
        <translation>下次启动时界面将使用%1。</translation>
    </message>
    <message>
        <source>Copied the overlay to the clipboard</source>
        <translation>已将叠加层复制到剪贴板</translation>
    </message>
    <message>
        <source>File → Open Demo Model opens the model TokenScope ships.</source>
        <translation>“文件 → 打开演示模型”可打开 TokenScope 自带的模型。</translation>
    </message>
    <message>
        <source>Open &amp;Demo Model</source>
        <translation>打开演示模型(&amp;D)</translation>
    </message>
    <message>
        <source>Open the Demo Model</source>
        <translation>打开演示模型</translation>
    </message>
    <message>
        <source>Show the &amp;Raw Image (or hold Space)</source>
        <translation>显示原始图像(&amp;R)（或按住空格键）</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;What Am I Looking At?</source>
        <translation>我在看什么？(&amp;W)</translation>
    </message>
    <message>
        <source>&amp;Keyboard Shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <source>Model loaded: %1. F1 explains what the canvas shows.</source>
        <translation>已加载模型：%1。按 F1 了解画布显示的内容。</translation>
    </message>
    <message>
        <source>What am I looking at?</source>
        <translation>我在看什么？</translation>
    </message>
    <message>
        <source>Space (held)</source>
        <translation>空格键（按住）</translation>
    </message>
    <message>
        <source>the image alone, without layers</source>
        <translation>只显示图像，不显示图层</translation>
    </message>
    <message>
        <source>Keyboard Shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;The image is cut into tiles&lt;/b&gt; (plus a thumbnail of the whole image). Each tile becomes visual tokens: 16 per 112-px tile at &lt;b&gt;1/4&lt;/b&gt; (blue outline, full detail) or 4 at &lt;b&gt;1/16&lt;/b&gt; (orange, compressed).&lt;/p&gt;&lt;p&gt;&lt;b&gt;p&lt;/b&gt; on a tile is the ViR router&apos;s probability that the tile can be compressed. The router sends a tile at 1/16 when p is above the quantile and the absolute threshold the legend names.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Token methods&lt;/b&gt; then keep a share of the tokens, the &lt;b&gt;budget&lt;/b&gt;: k = max(1, ⌊b·N⌋) of the N tokens. Their scores are the heatmap; dropped tokens are dimmed and hatched; merged tokens are joined to the token they went into. Hold &lt;b&gt;Space&lt;/b&gt; to see the image alone.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Compare&lt;/b&gt; (Ctrl+D) answers with a second method or budget on the same encoding. The &lt;b&gt;Sweep&lt;/b&gt; tab runs methods × budgets over a dataset and plots quality against tokens and latency.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;图像被切分为图块&lt;/b&gt;（外加整幅图像的缩略图）。每个图块变成视觉令牌：112 像素图块在 &lt;b&gt;1/4&lt;/b&gt; 时为 16 个（蓝色边框，完整细节），在 &lt;b&gt;1/16&lt;/b&gt; 时为 4 个（橙色，已压缩）。&lt;/p&gt;&lt;p&gt;图块上的 &lt;b&gt;p&lt;/b&gt; 是 ViR 路由器认为该图块可被压缩的概率。当 p 高于图例所示的分位数和绝对阈值时，路由器以 1/16 发送该图块。&lt;/p&gt;&lt;p&gt;随后&lt;b&gt;令牌方法&lt;/b&gt;保留一部分令牌，即&lt;b&gt;预算&lt;/b&gt;：N 个令牌中保留 k = max(1, ⌊b·N⌋) 个。它们的分数显示为热力图；被丢弃的令牌变暗并加阴影线；被合并的令牌连到其并入的令牌。按住&lt;b&gt;空格键&lt;/b&gt;可只看图像。&lt;/p&gt;&lt;p&gt;&lt;b&gt;对比&lt;/b&gt;（Ctrl+D）在同一编码上用第二种方法或预算作答。&lt;b&gt;扫描&lt;/b&gt;标签页在数据集上运行方法 × 预算，并绘制质量与令牌数、延迟的关系。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
</context>
<context>
    <name>tokenscope::widgets::MethodPanel</name>
    <message>
        <source>every tile at 1/4 (full)</source>
        <translation>所有图块均为 1/4（完整）</translation>
    </message>
    <message>
        <source>ViR router</source>
        <translation>ViR 路由器</translation>
    </message>
    <message>
        <source>ViR down to the budget</source>
        <translation>ViR 压缩至预算</translation>
    </message>
    <message>
        <source>every tile at 1/16</source>
        <translation>所有图块均为 1/16</translation>
    </message>
    <message>
        <source>fewer tiles (downsample)</source>
        <translation>更少的图块（降采样）</translation>
    </message>
    <message>
        <source>Live: re-run on every change</source>
        <translation>实时：每次更改后重新运行</translation>
    </message>
    <message>
        <source>keep every token</source>
        <translation>保留所有令牌</translation>
    </message>
    <message>
        <source> %</source>
        <translation> %</translation>
    </message>
    <message>
        <source>Tile ratios:</source>
        <translation>图块比例：</translation>
    </message>
    <message>
        <source>Tokens:</source>
        <translation>令牌：</translation>
    </message>
    <message>
        <source>Budget:</source>
        <translation>预算：</translation>
    </message>
    <message>
        <source>model (%1)</source>
        <translation>模型（%1）</translation>
    </message>
    <message>
        <source>Share of the connector tokens kept (k = max(1, ⌊b·N⌋)); for “ViR down to the budget”, the share of tokens the tiles may produce.</source>
        <translation>保留的连接器令牌比例（k = max(1, ⌊b·N⌋)）；对于“ViR 压缩至预算”，为图块可产生的令牌比例。</translation>
    </message>
    <message>
        <source>Relative threshold (quantile):</source>
        <translation>相对阈值（分位数）：</translation>
    </message>
    <message>
        <source>Absolute threshold:</source>
        <translation>绝对阈值：</translation>
    </message>
    <message>
        <source>Pruning layer (K):</source>
        <translation>剪枝层 (K)：</translation>
    </message>
    <message>
        <source>Random seed:</source>
        <translation>随机种子：</translation>
    </message>
    <message>
        <source>Stages:</source>
        <translation>阶段数：</translation>
    </message>
    <message>
        <source>Attention from:</source>
        <translation>注意力来自：</translation>
    </message>
    <message>
        <source>Relevance to:</source>
        <translation>相关性对象：</translation>
    </message>
    <message>
        <source>Ratio per stage (λ):</source>
        <translation>每阶段比例 (λ)：</translation>
    </message>
    <message>
        <source>Contextual share:</source>
        <translation>上下文份额：</translation>
    </message>
    <message>
        <source>Important share:</source>
        <translation>重要份额：</translation>
    </message>
    <message>
        <source>Token methods run after full tiles or the ViR router only.</source>
        <translation>令牌方法只能在全分辨率图块或 ViR 路由器之后运行。</translation>
    </message>
    <message>
        <source>No budget: every token of the tiles is kept. Choose a token method to keep a share of them.</source>
        <translation>无预算：保留图块的全部令牌。选择一种令牌方法以只保留其中一部分。</translation>
    </message>
</context>
<context>
    <name>tokenscope::widgets::QuestionPanel</name>
    <message>
        <source>Ask</source>
        <translation>提问</translation>
    </message>
    <message>
        <source>Ask a question about the image…</source>
        <translation>就图像提出问题…</translation>
    </message>
    <message>
        <source>Run the model on the image and the question (Ctrl+Return)</source>
        <translation>对图像和问题运行模型（Ctrl+Return）</translation>
    </message>
</context>
<context>
    <name>tokenscope::widgets::StageTimingChart</name>
    <message>
        <source>tiling</source>
        <translation>分块</translation>
    </message>
    <message>
        <source>encoder</source>
        <translation>编码器</translation>
    </message>
    <message>
        <source>router</source>
        <translation>路由器</translation>
    </message>
    <message>
        <source>connector</source>
        <translation>连接器</translation>
    </message>
    <message>
        <source>selection</source>
        <translation>选择</translation>
    </message>
    <message>
        <source>prefill</source>
        <translation>预填充</translation>
    </message>
    <message>
        <source>decode</source>
        <translation>解码</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>milliseconds</source>
        <translation>毫秒</translation>
    </message>
    <message>
        <source>Stage timings: total %1 ms</source>
        <translation>各阶段耗时：总计 %1 ms</translation>
    </message>
    <message>
        <source>Stage timings (no run yet)</source>
        <translation>各阶段耗时（尚未运行）</translation>
    </message>
    <message>
        <source>Every token reaches the LLM: compression cannot speed this prefill up.</source>
        <translation>每个令牌都进入 LLM：压缩无法加快这次预填充。</translation>
    </message>
    <message>
        <source>The encoder is %1% of this prefill: these tokens cannot make it more than %2× faster (%3× in the LLM).</source>
        <translation>编码器占这次预填充的 %1%：这些令牌最多只能使其加快 %2×（LLM 内 %3×）。</translation>
    </message>
    <message>
        <source>Stage timings of %1: total %2 ms</source>
        <translation>%1 的各阶段耗时：共 %2 毫秒</translation>
    </message>
</context>
<context>
    <name>tokenscope::widgets::SweepPanel</name>
    <message>
        <source>Run Sweep</source>
        <translation>运行扫描</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Finished: %1 cells run, %2 resumed → %3</source>
        <translation>已完成：运行 %1 个单元，恢复 %2 个 → %3</translation>
    </message>
    <message>
        <source>Cancelled. The cells finished so far are kept; Run Sweep again resumes.</source>
        <translation>已取消。已完成的单元将保留；再次点击“运行扫描”即可继续。</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <source>Sweep</source>
        <translation>扫描</translation>
    </message>
    <message>
        <source>dataset.jsonl (docs/dataset-format.md)</source>
        <translation>dataset.jsonl（参见 docs/dataset-format.md）</translation>
    </message>
    <message>
        <source>…</source>
        <translation>…</translation>
    </message>
    <message>
        <source>Choose a dataset file</source>
        <translation>选择数据集文件</translation>
    </message>
    <message>
        <source>Dataset:</source>
        <translation>数据集：</translation>
    </message>
    <message>
        <source>Methods:</source>
        <translation>方法：</translation>
    </message>
    <message>
        <source>Comma-separated budgets in (0, 1]; full tokens (none at 1) is always included</source>
        <translation>以逗号分隔的预算，取值范围 (0, 1]；始终包含完整令牌（预算为 1 的 none）</translation>
    </message>
    <message>
        <source>Budgets:</source>
        <translation>预算：</translation>
    </message>
    <message>
        <source>all samples</source>
        <translation>全部样本</translation>
    </message>
    <message>
        <source>Samples:</source>
        <translation>样本：</translation>
    </message>
    <message>
        <source>output folder (resumed if it holds this sweep)</source>
        <translation>输出文件夹（若其中已有此扫描则继续）</translation>
    </message>
    <message>
        <source>Choose the output folder</source>
        <translation>选择输出文件夹</translation>
    </message>
    <message>
        <source>Output:</source>
        <translation>输出：</translation>
    </message>
    <message>
        <source>Export Figures…</source>
        <translation>导出图表…</translation>
    </message>
    <message>
        <source>Export Summary…</source>
        <translation>导出摘要…</translation>
    </message>
    <message>
        <source>Copy Summary</source>
        <translation>复制摘要</translation>
    </message>
    <message>
        <source>Export Figures To</source>
        <translation>导出图表到</translation>
    </message>
    <message>
        <source>Export Summary To</source>
        <translation>导出摘要到</translation>
    </message>
    <message>
        <source>Score vs kept tokens</source>
        <translation>得分与保留令牌数</translation>
    </message>
    <message>
        <source>Prefill vs budget</source>
        <translation>预填充与预算</translation>
    </message>
    <message>
        <source>Quality–latency</source>
        <translation>质量–延迟</translation>
    </message>
    <message>
        <source>Filter samples…</source>
        <translation>筛选样本…</translation>
    </message>
    <message>
        <source>Double-click (or Return on) a sample to see it on the canvas with its method and budget</source>
        <translation>双击样本（或选中后按回车键），即可在画布上按其方法和预算查看</translation>
    </message>
    <message>
        <source>Cancelling after the current cell…</source>
        <translation>将在当前单元完成后取消…</translation>
    </message>
    <message>
        <source>%1 / %2 cells</source>
        <translation>%1 / %2 个单元</translation>
    </message>
    <message>
        <source> (%1 resumed)</source>
        <translation>（已恢复 %1 个）</translation>
    </message>
    <message>
        <source> · elapsed %1</source>
        <translation> · 已用时 %1</translation>
    </message>
    <message>
        <source> · ETA %1</source>
        <translation> · 预计剩余 %1</translation>
    </message>
    <message>
        <source>Open a model first</source>
        <translation>请先打开模型</translation>
    </message>
    <message>
        <source>Run on %1</source>
        <translation>在 %1 上运行</translation>
    </message>
    <message numerus="yes">
        <source>Opened %1: %n cell(s)</source>
        <translation>
            <numerusform>已打开 %1：%n 个单元</numerusform>
        </translation>
    </message>
    <message>
        <source>All samples (%1)</source>
        <translation>全部样本（%1）</translation>
    </message>
    <message>
        <source>%1 at budget %2 (%3 samples)</source>
        <translation>%1，预算 %2（%3 个样本）</translation>
    </message>
    <message>
        <source>Wrote %1</source>
        <translation>已写入 %1</translation>
    </message>
    <message>
        <source>Wrote summary.csv and summary.json to %1</source>
        <translation>已将 summary.csv 和 summary.json 写入 %1</translation>
    </message>
    <message>
        <source>Choose Dataset</source>
        <translation>选择数据集</translation>
    </message>
    <message>
        <source>Sweep datasets (*.jsonl);;All files (*)</source>
        <translation>扫描数据集 (*.jsonl);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Sweep Output Folder</source>
        <translation>扫描输出文件夹</translation>
    </message>
    <message>
        <source>Export Samples CSV…</source>
        <translation>导出样本 CSV…</translation>
    </message>
    <message>
        <source>Export Samples</source>
        <translation>导出样本</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>%1: cannot be written (%2)</source>
        <translation>%1：无法写入（%2）</translation>
    </message>
    <message numerus="yes">
        <source>Wrote %n sample(s) to %1</source>
        <translation>
            <numerusform>已将 %n 个样本写入 %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Checking the dataset…</source>
        <translation>正在检查数据集…</translation>
    </message>
    <message>
        <source>There is no model loaded: open a model folder first.</source>
        <translation>尚未加载模型：请先打开一个模型文件夹。</translation>
    </message>
    <message>
        <source>Choose a dataset file (JSONL, see docs/dataset-format.md).</source>
        <translation>请选择数据集文件（JSONL，参见 docs/dataset-format.md）。</translation>
    </message>
    <message>
        <source>Choose an output folder.</source>
        <translation>请选择输出文件夹。</translation>
    </message>
    <message>
        <source>Tick at least one method.</source>
        <translation>请至少勾选一种方法。</translation>
    </message>
    <message>
        <source>Sweep: %1</source>
        <translation>扫描：%1</translation>
    </message>
    <message>
        <source>Methods: %1</source>
        <translation>方法：%1</translation>
    </message>
    <message>
        <source>Budgets: %1</source>
        <translation>预算：%1</translation>
    </message>
    <message>
        <source>Show All Cells</source>
        <translation>显示全部单元</translation>
    </message>
    <message>
        <source>List the samples of every method and budget, not only the point clicked</source>
        <translation>列出所有方法和预算的样本，而不只是所点击的点</translation>
    </message>
    <message>
        <source>, filtered by “%1”</source>
        <translation>，按“%1”筛选</translation>
    </message>
    <message numerus="yes">
        <source>Copied the summary table (%n row(s)) to the clipboard.</source>
        <translation>
            <numerusform>已将汇总表（%n 行）复制到剪贴板。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>tokenscope::widgets::SweepPlotView</name>
    <message>
        <source>%1 at budget %2
%3 %4 [%5, %6] (n = %7), %8 of full
kept tokens %9 (%10%)
prefill %11 ms, total %12 ms</source>
        <translation>%1，预算 %2
%3 %4 [%5, %6]（n = %7），相当于完整令牌的 %8
保留令牌 %9（%10%）
预填充 %11 ms，总计 %12 ms</translation>
    </message>
</context>
<context>
    <name>tokenscope::widgets::SweepRecordsModel</name>
    <message>
        <source>Method</source>
        <translation>方法</translation>
    </message>
    <message>
        <source>Budget</source>
        <translation>预算</translation>
    </message>
    <message>
        <source>Sample</source>
        <translation>样本</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Question</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>回答</translation>
    </message>
    <message>
        <source>Reference</source>
        <translation>参考答案</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>得分</translation>
    </message>
    <message>
        <source>Kept tokens</source>
        <translation>保留令牌</translation>
    </message>
    <message>
        <source>Kept %</source>
        <translation>保留 %</translation>
    </message>
    <message>
        <source>Prefill ms</source>
        <translation>预填充 ms</translation>
    </message>
    <message>
        <source>Total ms</source>
        <translation>总计 ms</translation>
    </message>
</context>
<context>
    <name>tokenscope::widgets::WorkIndicator</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>%1 %p%</source>
        <translation>%1 %p%</translation>
    </message>
    <message>
        <source>starting…</source>
        <translation>正在启动…</translation>
    </message>
</context>
</TS>
