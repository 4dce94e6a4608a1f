<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>BeforeAfter</name>
    <message>
        <source>When a run ends, its validation texts are embedded with the base and the trained model (mean-pooled last layer, PCA) and shown side by side, coloured by label.</source>
        <translation>训练结束后，验证文本会分别用基础模型和训练后的模型嵌入（最后一层平均池化，PCA），并排显示，按标签着色。</translation>
    </message>
    <message>
        <source>Base model</source>
        <translation>基础模型</translation>
    </message>
    <message>
        <source>Fine-tuned model</source>
        <translation>微调后的模型</translation>
    </message>
    <message>
        <source>Base model, coloured by the probe&apos;s predictions</source>
        <translation>基础模型，按探针的预测着色</translation>
    </message>
    <message>
        <source>{0} validation texts (a seeded sample when there are more), embedded by each model (mean-pooled last layer) and projected with PCA; coloured by the true label on the left and by the probe&apos;s prediction on the right.</source>
        <translation>{0} 条验证文本（更多时取固定种子的样本），分别由两个模型嵌入（最后一层平均池化）并用 PCA 投影；左图按真实标签着色，右图按探针的预测着色。</translation>
    </message>
    <message>
        <source>{0} validation texts (a seeded sample when there are more), embedded by each model (mean-pooled last layer) and projected with PCA; coloured by the true label.</source>
        <translation>{0} 条验证文本（更多时取固定种子的样本），分别由两个模型嵌入（最后一层平均池化）并用 PCA 投影；按真实标签着色。</translation>
    </message>
</context>
<context>
    <name>Chrome</name>
    <message>
        <source>A training run is going</source>
        <translation>训练正在进行</translation>
    </message>
    <message>
        <source>A training run is still going. Stop it and close? The last saved checkpoint is kept, and Resume in the Train tab continues from it.</source>
        <translation>训练仍在进行。要停止训练并关闭吗？最后保存的检查点会保留，之后可在“训练”页点“继续”接着训练。</translation>
    </message>
    <message>
        <source>Stop and close</source>
        <translation>停止并关闭</translation>
    </message>
    <message>
        <source>Keep training</source>
        <translation>继续训练</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>Tokens and words</source>
        <translation>词元与词</translation>
    </message>
    <message>
        <source>Texts</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>Map</source>
        <translation>地图</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>比较</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>层</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>New workspace from file(s)…</source>
        <translation>从文件新建工作区…</translation>
    </message>
    <message>
        <source>Make a workspace (a .semvec file) from CSV, TSV, JSONL or TXT files: its rows, labels and views are kept</source>
        <translation>从 CSV、TSV、JSONL 或 TXT 文件新建工作区（一个 .semvec 文件），其中的行、标签和视图都会保存</translation>
    </message>
    <message>
        <source>Open workspace…</source>
        <translation>打开工作区…</translation>
    </message>
    <message>
        <source>Open a .semvec workspace</source>
        <translation>打开 .semvec 工作区</translation>
    </message>
    <message>
        <source>Recent workspaces</source>
        <translation>最近的工作区</translation>
    </message>
    <message>
        <source>Save a copy as…</source>
        <translation>另存副本…</translation>
    </message>
    <message>
        <source>Write a copy of the workspace, with every edit made so far, under another name</source>
        <translation>以另一个名称保存工作区的副本，包含目前为止的所有编辑</translation>
    </message>
    <message>
        <source>Close workspace</source>
        <translation>关闭工作区</translation>
    </message>
    <message>
        <source>Close the workspace (every edit is saved already)</source>
        <translation>关闭工作区（所有编辑均已保存）</translation>
    </message>
    <message>
        <source>Open texts…</source>
        <translation>打开文本…</translation>
    </message>
    <message>
        <source>Open a .txt, .csv, .tsv or .jsonl file, one text per line or row</source>
        <translation>打开 .txt、.csv、.tsv 或 .jsonl 文件，每行一条文本</translation>
    </message>
    <message>
        <source>Open model folder…</source>
        <translation>打开模型文件夹…</translation>
    </message>
    <message>
        <source>Open a local Hugging Face checkpoint folder</source>
        <translation>打开本地的 Hugging Face 检查点文件夹</translation>
    </message>
    <message>
        <source>Recent texts</source>
        <translation>最近的文本</translation>
    </message>
    <message>
        <source>Open labelled file for training…</source>
        <translation>打开带标签的训练文件…</translation>
    </message>
    <message>
        <source>Choose a labelled CSV/TSV in the Train tab to fine-tune a classifier on it</source>
        <translation>在“训练”页选择带标签的 CSV/TSV 文件，在其上微调分类器</translation>
    </message>
    <message>
        <source>Export vectors…</source>
        <translation>导出向量…</translation>
    </message>
    <message>
        <source>Write the vectors in the formats of your choice, with their manifest</source>
        <translation>以所选格式写出向量及其清单</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>运行(&amp;R)</translation>
    </message>
    <message>
        <source>Embed</source>
        <translation>嵌入</translation>
    </message>
    <message>
        <source>Compute the vectors of the texts</source>
        <translation>计算文本的向量</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop the running job</source>
        <translation>停止正在运行的任务</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>About SemVec Studio</source>
        <translation>关于 SemVec Studio</translation>
    </message>
    <message>
        <source>SemVec Studio {0}
Token, word and sentence vectors of transformer models.</source>
        <translation>SemVec Studio {0}
Transformer 模型的词元、词和句子向量。</translation>
    </message>
    <message>
        <source>English texts (bank, bat, …: words in several senses)</source>
        <translation>英文文本（bank、bat 等：多义词）</translation>
    </message>
    <message>
        <source>Chinese texts (行, 打, 花, …: words in several senses)</source>
        <translation>中文文本（行、打、花等：多义词）</translation>
    </message>
    <message>
        <source>English reviews, labelled (for the Train tab)</source>
        <translation>英文评论，带标签（用于“训练”页）</translation>
    </message>
    <message>
        <source>Chinese reviews, labelled (for the Train tab)</source>
        <translation>中文评论，带标签（用于“训练”页）</translation>
    </message>
    <message>
        <source>This installation has no demo files</source>
        <translation>此安装中没有示例文件</translation>
    </message>
    <message>
        <source>The Train tab appears when the model is loaded; try again then</source>
        <translation>“训练”页在模型载入后出现；请届时再试</translation>
    </message>
    <message>
        <source>Demo files</source>
        <translation>示例文件</translation>
    </message>
    <message>
        <source>Open vectors folder…</source>
        <translation>打开向量文件夹…</translation>
    </message>
    <message>
        <source>Map the vectors of a folder written by &apos;semvec extract&apos; (sharded or not) on the Map tab</source>
        <translation>在“地图”页上显示由 &apos;semvec extract&apos; 写出的文件夹（分片与否均可）中的向量</translation>
    </message>
</context>
<context>
    <name>ColumnPickerDialog</name>
    <message>
        <source>Choose the text column: {0}</source>
        <translation>选择文本列：{0}</translation>
    </message>
    <message>
        <source>Text column</source>
        <translation>文本列</translation>
    </message>
    <message>
        <source>tab</source>
        <translation>制表符</translation>
    </message>
    <message>
        <source>{0} rows · delimiter {1} · {2}</source>
        <translation>{0} 行 · 分隔符 {1} · {2}</translation>
    </message>
    <message>
        <source>{0} texts</source>
        <translation>{0} 条文本</translation>
    </message>
</context>
<context>
    <name>CompareRows</name>
    <message>
        <source>{0} (text {1})</source>
        <translation>{0}（文本 {1}）</translation>
    </message>
    <message>
        <source>overlap {0}</source>
        <translation>重叠度 {0}</translation>
    </message>
    <message>
        <source>text {0}</source>
        <translation>文本 {0}</translation>
    </message>
</context>
<context>
    <name>CompareView</name>
    <message>
        <source>pieces</source>
        <translation>词元</translation>
    </message>
    <message>
        <source>words</source>
        <translation>词</translation>
    </message>
    <message>
        <source>texts</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>piece</source>
        <translation>词元</translation>
    </message>
    <message>
        <source>word</source>
        <translation>词</translation>
    </message>
    <message>
        <source>text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>neighbour overlap</source>
        <translation>近邻重叠度</translation>
    </message>
    <message>
        <source>one colour</source>
        <translation>单一颜色</translation>
    </message>
    <message>
        <source>Compare to see the layer-by-layer linear CKA of the model on these rows.</source>
        <translation>点“比较”查看模型在这些行上逐层的线性 CKA。</translation>
    </message>
    <message>
        <source>Compare the vectors of word pieces, of whole words, or of whole texts (mean-pooled).</source>
        <translation>比较词元、完整的词或整段文本（平均池化）的向量。</translation>
    </message>
    <message>
        <source>Neighbours per row: each row&apos;s overlap is the Jaccard index of its k nearest neighbours in A and in B.</source>
        <translation>每行的近邻数：每行的重叠度是它在 A 和 B 中 k 个最近邻的 Jaccard 指数。</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>比较</translation>
    </message>
    <message>
        <source>Extract both sides for the current texts, map them and measure how they differ.</source>
        <translation>为当前文本提取两侧的向量，绘制地图并度量它们的差异。</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <source>Search words or texts in both maps…</source>
        <translation>在两幅地图中搜索词或文本…</translation>
    </message>
    <message>
        <source>Choose two sides (layers of a model, or a static word-vector file) and press Compare.</source>
        <translation>选择两侧（模型的层或静态词向量文件），然后点“比较”。</translation>
    </message>
    <message>
        <source>Colour by</source>
        <translation>着色依据</translation>
    </message>
    <message>
        <source>linear CKA</source>
        <translation>线性 CKA</translation>
    </message>
    <message>
        <source>Comparing the {0} of {1} texts</source>
        <translation>正在比较 {1} 条文本的{0}</translation>
    </message>
    <message>
        <source>Side {0} is a static file: choose the file (word2vec, GloVe or fastText .vec) first.</source>
        <translation>{0} 侧是静态文件：请先选择文件（word2vec、GloVe 或 fastText .vec）。</translation>
    </message>
    <message>
        <source>No model is loaded yet: load one (or choose a checkpoint folder for both sides).</source>
        <translation>尚未载入模型：请先载入一个（或为两侧各选择一个检查点文件夹）。</translation>
    </message>
    <message>
        <source>No texts to compare: put some texts in the editor (or open a file) first.</source>
        <translation>没有可比较的文本：请先在编辑器中输入文本（或打开文件）。</translation>
    </message>
    <message>
        <source>A and B are the same static file: choose another layer, model or file for one side.</source>
        <translation>A 和 B 是同一个静态文件：请为其中一侧换一个层、模型或文件。</translation>
    </message>
    <message>
        <source>A and B are the same layers of the same model: choose another layer, model or file for one side.</source>
        <translation>A 和 B 是同一模型的相同层：请为其中一侧换一个层、模型或文件。</translation>
    </message>
    <message>
        <source>Done.</source>
        <translation>完成。</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <source>Comparison cancelled; the view shows the previous result.</source>
        <translation>比较已取消；视图显示的是上一次的结果。</translation>
    </message>
    <message>
        <source>Comparison cancelled.</source>
        <translation>比较已取消。</translation>
    </message>
    <message>
        <source> · aligned onto A</source>
        <translation> · 已对齐到 A</translation>
    </message>
    <message>
        <source>undefined</source>
        <translation>未定义</translation>
    </message>
    <message>
        <source>&lt;span style=&apos;font-size:12pt&apos;&gt;Linear CKA(A, B) = &lt;b&gt;{0}&lt;/b&gt;&lt;/span&gt; · mean neighbour overlap &lt;b&gt;{1}&lt;/b&gt; (k = {2}, {3}) · {4} {5}</source>
        <translation>&lt;span style=&apos;font-size:12pt&apos;&gt;线性 CKA(A, B) = &lt;b&gt;{0}&lt;/b&gt;&lt;/span&gt; · 平均近邻重叠度 &lt;b&gt;{1}&lt;/b&gt;（k = {2}，{3}）· {4} 个{5}</translation>
    </message>
    <message>
        <source>Linear CKA compares the two spaces as wholes (1 = the same up to rotation and scale). A row&apos;s overlap is the Jaccard index of its k nearest neighbours in A and in B.</source>
        <translation>线性 CKA 从整体上比较两个空间（1 = 除旋转和缩放外完全相同）。某一行的重叠度是它在 A 和 B 中 k 个最近邻的 Jaccard 指数。</translation>
    </message>
    <message>
        <source>Not in the static file, so left out of both A and B:</source>
        <translation>静态文件中没有，因此在 A 和 B 中都被排除：</translation>
    </message>
    <message>
        <source>, and {0} more</source>
        <translation>，另有 {0} 个</translation>
    </message>
    <message>
        <source>static</source>
        <translation>静态</translation>
    </message>
    <message>
        <source>layer (0 = embeddings)</source>
        <translation>层（0 = 嵌入层）</translation>
    </message>
    <message>
        <source>against {0}</source>
        <translation>对比 {0}</translation>
    </message>
    <message>
        <source>layer of {0}</source>
        <translation>{0} 的层</translation>
    </message>
    <message>
        <source>layer of A&apos;s model ({0})</source>
        <translation>A 模型的层（{0}）</translation>
    </message>
    <message>
        <source>layer of B&apos;s model ({0})</source>
        <translation>B 模型的层（{0}）</translation>
    </message>
    <message>
        <source>overlap</source>
        <translation>重叠度</translation>
    </message>
    <message>
        <source>text {0}</source>
        <translation>文本 {0}</translation>
    </message>
    <message>
        <source>&lt;b&gt;{0}&lt;/b&gt; ({1}) · overlap &lt;b&gt;{2}&lt;/b&gt;: {3} left, {4} entered of {5}</source>
        <translation>&lt;b&gt;{0}&lt;/b&gt;（{1}）· 重叠度 &lt;b&gt;{2}&lt;/b&gt;：{5} 个近邻中 {3} 个移出，{4} 个新进</translation>
    </message>
    <message>
        <source>Neighbour overlap at k = {0}</source>
        <translation>k = {0} 时的近邻重叠度</translation>
    </message>
</context>
<context>
    <name>ControlOptions</name>
    <message>
        <source>embeddings (layer 0)</source>
        <translation>嵌入层（第 0 层）</translation>
    </message>
    <message>
        <source>layer {0} of {1}</source>
        <translation>第 {0} 层（共 {1} 层）</translation>
    </message>
    <message>
        <source>concat of last 4</source>
        <translation>最后 4 层拼接</translation>
    </message>
    <message>
        <source>mean of last 4</source>
        <translation>最后 4 层平均</translation>
    </message>
</context>
<context>
    <name>ControlsPanel</name>
    <message>
        <source>Tokens (word pieces)</source>
        <translation>词元（子词）</translation>
    </message>
    <message>
        <source>Whole words</source>
        <translation>完整的词</translation>
    </message>
    <message>
        <source>Texts (sentences)</source>
        <translation>文本（句子）</translation>
    </message>
    <message>
        <source>One layer</source>
        <translation>单层</translation>
    </message>
    <message>
        <source>Mean of last 4</source>
        <translation>最后 4 层平均</translation>
    </message>
    <message>
        <source>Concat of last 4</source>
        <translation>最后 4 层拼接</translation>
    </message>
    <message>
        <source>auto (Chinese: jieba)</source>
        <translation>自动（中文：jieba）</translation>
    </message>
    <message>
        <source>the tokenizer&apos;s</source>
        <translation>按分词器</translation>
    </message>
    <message>
        <source>between spaces</source>
        <translation>按空格</translation>
    </message>
    <message>
        <source>jieba (whole text)</source>
        <translation>jieba（整段文本）</translation>
    </message>
    <message>
        <source>What a whole word is. auto: runs of Chinese characters are cut into words by jieba (one character a word without it), everything else as the tokenizer says; the tokenizer&apos;s: its word ids; between spaces: pre-segmented text; jieba: the whole text cut by jieba.</source>
        <translation>什么算一个完整的词。auto：连续的汉字由 jieba 切分成词（未安装 jieba 时每个字算一个词），其余按分词器切分；分词器：使用分词器的词 ID；按空格：文本已预先分好词；jieba：整段文本都由 jieba 切分。</translation>
    </message>
    <message>
        <source>Vectors</source>
        <translation>向量</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>层</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>层</translation>
    </message>
    <message>
        <source>Word pooling</source>
        <translation>词池化</translation>
    </message>
    <message>
        <source>Text pooling</source>
        <translation>文本池化</translation>
    </message>
    <message>
        <source>L2-normalise each vector</source>
        <translation>对每个向量做 L2 归一化</translation>
    </message>
    <message>
        <source>Dict…</source>
        <translation>词典…</translation>
    </message>
    <message>
        <source>No user dictionary</source>
        <translation>不使用用户词典</translation>
    </message>
    <message>
        <source>Words</source>
        <translation>分词</translation>
    </message>
    <message>
        <source>Embed</source>
        <translation>嵌入</translation>
    </message>
    <message>
        <source>Compute the vectors of the texts (Ctrl+Return)</source>
        <translation>计算文本的向量（Ctrl+Return）</translation>
    </message>
    <message>
        <source>A jieba user dictionary (UTF-8, &apos;word [frequency] [tag]&apos; a line): each of its words stays one word (auto and jieba)</source>
        <translation>jieba 用户词典（UTF-8，每行“词 [词频] [词性]”）：其中每个词都保持为一个词（auto 和 jieba 方式）</translation>
    </message>
    <message>
        <source>Choose a jieba user dictionary</source>
        <translation>选择 jieba 用户词典</translation>
    </message>
    <message>
        <source>Dictionaries (*.txt *.dict);;All files (*)</source>
        <translation>词典 (*.txt *.dict);;所有文件 (*)</translation>
    </message>
    <message>
        <source>emb.</source>
        <translation>嵌入</translation>
    </message>
</context>
<context>
    <name>DataView</name>
    <message>
        <source> · only the first {0} rows of {1} are in: {2}</source>
        <translation> · {1} 只导入了前 {0} 行：{2}</translation>
    </message>
    <message>
        <source> · importing more files</source>
        <translation> · 正在导入更多文件</translation>
    </message>
    <message>
        <source> · importing {0}: {1} of about {2} rows</source>
        <translation> · 正在导入 {0}：约 {2} 行中的 {1} 行</translation>
    </message>
    <message>
        <source>Words</source>
        <translation>词</translation>
    </message>
    <message>
        <source>Contains</source>
        <translation>包含</translation>
    </message>
    <message>
        <source>Regex</source>
        <translation>正则</translation>
    </message>
    <message>
        <source>Meaning</source>
        <translation>语义</translation>
    </message>
    <message>
        <source>Row order</source>
        <translation>行序</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Search rank</source>
        <translation>搜索排名</translation>
    </message>
    <message>
        <source>Search words: plain words, &quot;a phrase&quot;, prefix*</source>
        <translation>搜索词：普通词、&quot;短语&quot;、前缀*</translation>
    </message>
    <message>
        <source>Words: the word index (whole words, &quot;phrases&quot;, prefix*), ranked; Contains: a piece of text anywhere; Regex: a Python regular expression; Meaning: rows ranked by the cosine of their sentence vectors to the query&apos;s (Return)</source>
        <translation>词：词索引（整词、&quot;短语&quot;、前缀*），按相关度排序；包含：任意位置的一段文本；正则：Python 正则表达式；语义：按各行句向量与查询句向量的余弦排序（回车）</translation>
    </message>
    <message>
        <source>Show the rows with this label</source>
        <translation>显示带此标签的行</translation>
    </message>
    <message>
        <source>Show the rows of one file</source>
        <translation>显示某一文件的行</translation>
    </message>
    <message>
        <source>Show a named selection</source>
        <translation>显示已命名的选择</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Apply the filters again (F5): rows labelled since leave a label filter</source>
        <translation>重新应用筛选（F5）：此后标注的行会离开标签筛选</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <source>Save selection…</source>
        <translation>保存选择…</translation>
    </message>
    <message>
        <source>Keep the selected rows under a name (the Selection filter shows them again)</source>
        <translation>以一个名称保存所选的行（“选择”筛选可再次显示它们）</translation>
    </message>
    <message>
        <source>Paste texts</source>
        <translation>粘贴文本</translation>
    </message>
    <message>
        <source>Each line on the clipboard becomes a row (Ctrl+V in the table): of this workspace, or of a new untitled one when none is open</source>
        <translation>剪贴板中的每一行成为一行数据（在表格中按 Ctrl+V）：加入此工作区；若未打开工作区，则加入一个新的未命名工作区</translation>
    </message>
    <message>
        <source>Send to views</source>
        <translation>发送到视图</translation>
    </message>
    <message>
        <source>Show the selected rows (or, with one row or none selected, the rows shown here, up to {0}) in the token, text and map views</source>
        <translation>在词元、文本和地图视图中显示所选的行（若只选了一行或未选，则显示此处列出的行，最多 {0} 行）</translation>
    </message>
    <message>
        <source>No workspace is open: File &gt; New workspace from file(s)…, File &gt; Open workspace…, or Paste texts (one a line) into an untitled workspace</source>
        <translation>未打开工作区：文件 &gt; 从文件新建工作区…、文件 &gt; 打开工作区…，或将文本（每行一条）粘贴到未命名工作区</translation>
    </message>
    <message>
        <source>Read-only: {0}.</source>
        <translation>只读：{0}。</translation>
    </message>
    <message>
        <source>All labels</source>
        <translation>全部标签</translation>
    </message>
    <message>
        <source>Unlabelled</source>
        <translation>未标注</translation>
    </message>
    <message>
        <source>All files</source>
        <translation>全部文件</translation>
    </message>
    <message>
        <source>No selection</source>
        <translation>无选择</translation>
    </message>
    <message>
        <source>Read-only: labels cannot be changed here.</source>
        <translation>只读：此处不能修改标签。</translation>
    </message>
    <message>
        <source>Keys: {0} · 0 clears · Ctrl+Z undoes</source>
        <translation>按键：{0} · 0 清除 · Ctrl+Z 撤销</translation>
    </message>
    <message>
        <source>No labels yet: New… under Labels (right) makes one; its number key then labels the selected rows</source>
        <translation>还没有标签：右侧“标签”下的“新建…”可创建一个；之后按它的数字键即可标注所选的行</translation>
    </message>
    <message>
        <source>{0} row</source>
        <translation>{0} 行</translation>
    </message>
    <message>
        <source>{0} rows</source>
        <translation>{0} 行</translation>
    </message>
    <message>
        <source>{0} of {1}</source>
        <translation>{0} / {1}</translation>
    </message>
    <message>
        <source> · ranked by meaning to “{0}” ({1}), best first</source>
        <translation> · 按与“{0}”的语义排序（{1}），最相近的在前</translation>
    </message>
    <message>
        <source>{0} · {1} unlabelled</source>
        <translation>{0} · {1} 行未标注</translation>
    </message>
    <message>
        <source>Ranking the rows by meaning to “{0}”…</source>
        <translation>正在按与“{0}”的语义为各行排序…</translation>
    </message>
    <message>
        <source>Search a piece of text (Return)</source>
        <translation>搜索一段文本（回车）</translation>
    </message>
    <message>
        <source>Search by meaning: describe what you look for (Return)</source>
        <translation>按语义搜索：描述你要找的内容（回车）</translation>
    </message>
    <message>
        <source>Search a regular expression (Return)</source>
        <translation>搜索正则表达式（回车）</translation>
    </message>
    <message>
        <source>No label has the key {0}: New… under Labels makes one (the first nine get the keys 1-9), and Key… moves a key.</source>
        <translation>没有标签使用按键 {0}：“标签”下的“新建…”可创建标签（前九个依次获得按键 1-9），“按键…”可改动按键。</translation>
    </message>
    <message>
        <source>No suggestion to accept here: Suggest now (under Labels) makes them; a labelled row keeps its label.</source>
        <translation>此处没有可接受的建议：“标签”下的“立即建议”会生成建议；已标注的行保留其标签。</translation>
    </message>
    <message>
        <source>Nothing to undo.</source>
        <translation>没有可撤销的操作。</translation>
    </message>
    <message>
        <source>Nothing to redo.</source>
        <translation>没有可重做的操作。</translation>
    </message>
    <message>
        <source>Undone: {0}</source>
        <translation>已撤销：{0}</translation>
    </message>
    <message>
        <source>Redone: {0}</source>
        <translation>已重做：{0}</translation>
    </message>
    <message>
        <source>Select some rows first (click, Shift+click, Ctrl+click).</source>
        <translation>请先选择一些行（单击、Shift+单击、Ctrl+单击）。</translation>
    </message>
    <message>
        <source>Save selection</source>
        <translation>保存选择</translation>
    </message>
    <message>
        <source>Name for these {0} rows:</source>
        <translation>这 {0} 行的名称：</translation>
    </message>
    <message>
        <source>Saved {0} as &apos;{1}&apos; (the Selection filter shows them).</source>
        <translation>已将 {0} 保存为“{1}”（“选择”筛选可显示它们）。</translation>
    </message>
    <message>
        <source>No rows to send: the filters hide every row.</source>
        <translation>没有可发送的行：筛选隐藏了所有行。</translation>
    </message>
    <message>
        <source>The first {0} of {1} rows went to the views; select rows or filter to choose others.</source>
        <translation>已将 {1} 行中的前 {0} 行发送到视图；选择行或筛选以选取其他行。</translation>
    </message>
</context>
<context>
    <name>Duration</name>
    <message>
        <source>{0} s</source>
        <translation>{0} 秒</translation>
    </message>
    <message>
        <source>{0} min {1} s</source>
        <translation>{0} 分 {1} 秒</translation>
    </message>
    <message>
        <source>{0} h {1} min</source>
        <translation>{0} 小时 {1} 分</translation>
    </message>
</context>
<context>
    <name>ExploreBox</name>
    <message>
        <source>Explore</source>
        <translation>探索</translation>
    </message>
    <message>
        <source>a word, e.g. bank</source>
        <translation>一个词，例如 bank</translation>
    </message>
    <message>
        <source>Every occurrence of this word across the loaded texts, as points</source>
        <translation>该词在已载入文本中的每一次出现，以点显示</translation>
    </message>
    <message>
        <source>Word in context</source>
        <translation>上下文中的词</translation>
    </message>
    <message>
        <source>Layer path</source>
        <translation>层路径</translation>
    </message>
    <message>
        <source>The selected point&apos;s vector at every layer, projected together and joined by a line</source>
        <translation>所选点在每一层的向量，一起投影并以线相连</translation>
    </message>
    <message>
        <source>Back to the map</source>
        <translation>返回地图</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>Tokens</source>
        <translation>词元</translation>
    </message>
    <message>
        <source>Words</source>
        <translation>词</translation>
    </message>
    <message>
        <source>Texts</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>tokens</source>
        <translation>词元</translation>
    </message>
    <message>
        <source>words</source>
        <translation>词</translation>
    </message>
    <message>
        <source>texts</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>token</source>
        <translation>词元</translation>
    </message>
    <message>
        <source>word</source>
        <translation>词</translation>
    </message>
    <message>
        <source>sentence</source>
        <translation>句子</translation>
    </message>
    <message>
        <source>Export vectors</source>
        <translation>导出向量</translation>
    </message>
    <message>
        <source>Vectors</source>
        <translation>向量</translation>
    </message>
    <message>
        <source>Formats (manifest.json with how the vectors were made is always written)</source>
        <translation>格式（始终写出记录向量生成方式的 manifest.json）</translation>
    </message>
    <message>
        <source>Always written: the form SemVec Studio and &apos;semvec&apos; read back</source>
        <translation>始终写出：SemVec Studio 和“semvec”可读回的格式</translation>
    </message>
    <message>
        <source>needs the optional package &apos;{0}&apos;: pip install &apos;semvec-studio[{1}]&apos;</source>
        <translation>需要可选包“{0}”：pip install &apos;semvec-studio[{1}]&apos;</translation>
    </message>
    <message>
        <source>Folder (written atomically: complete or not at all)</source>
        <translation>文件夹（原子写入：要么完整写出，要么完全不写）</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Replace if it exists</source>
        <translation>若已存在则替换</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Export to a new folder</source>
        <translation>导出到新文件夹</translation>
    </message>
    <message>
        <source>Nothing to export: embed some texts first.</source>
        <translation>没有可导出的内容：请先嵌入一些文本。</translation>
    </message>
    <message>
        <source>Give the folder to write (it is created; its parent must exist).</source>
        <translation>请给出要写入的文件夹（会自动创建，但其上级文件夹必须存在）。</translation>
    </message>
    <message>
        <source>Writing {0} to {1}…</source>
        <translation>正在将{0}写入 {1}…</translation>
    </message>
    <message>
        <source>Export cancelled; nothing was written.</source>
        <translation>导出已取消；没有写出任何文件。</translation>
    </message>
    <message>
        <source>Wrote {0} {1} vectors ({2}) to {3}</source>
        <translation>已将 {0} 个{1}向量（{2}）写入 {3}</translation>
    </message>
    <message>
        <source>Exporting {0} vectors</source>
        <translation>正在导出 {0} 个向量</translation>
    </message>
</context>
<context>
    <name>Exporters</name>
    <message>
        <source>vectors.npy + metadata.tsv + manifest.json (reloadable by SemVec Studio)</source>
        <translation>vectors.npy + metadata.tsv + manifest.json（可由 SemVec Studio 重新载入）</translation>
    </message>
    <message>
        <source>one CSV table: metadata columns then d0..dN (spreadsheet-safe)</source>
        <translation>一个 CSV 表格：先是元数据列，然后是 d0..dN（可安全用电子表格打开）</translation>
    </message>
    <message>
        <source>TensorFlow Embedding Projector: vectors.tsv, metadata and config</source>
        <translation>TensorFlow Embedding Projector：vectors.tsv、元数据和配置</translation>
    </message>
    <message>
        <source>word2vec text format (gensim KeyedVectors), one line per distinct key</source>
        <translation>word2vec 文本格式（gensim KeyedVectors），每个不同的键一行</translation>
    </message>
    <message>
        <source>Parquet table: metadata columns + fixed-size vector column, manifest in schema</source>
        <translation>Parquet 表格：元数据列 + 定长向量列，清单保存在 schema 中</translation>
    </message>
</context>
<context>
    <name>Heatmap</name>
    <message>
        <source>Nothing to show yet.</source>
        <translation>暂无内容。</translation>
    </message>
    <message>
        <source>value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>{0} × {1} · hover a cell for its {2}</source>
        <translation>{0} × {1} · 悬停在单元格上查看{2}</translation>
    </message>
    <message>
        <source>row {0}</source>
        <translation>第 {0} 行</translation>
    </message>
    <message>
        <source>column {0}</source>
        <translation>第 {0} 列</translation>
    </message>
</context>
<context>
    <name>JobStatus</name>
    <message>
        <source>Waiting for the runner…</source>
        <translation>正在等待执行器…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
</context>
<context>
    <name>LabelColors</name>
    <message>
        <source>unlabelled</source>
        <translation>未标注</translation>
    </message>
    <message>
        <source>suggested label</source>
        <translation>建议标签</translation>
    </message>
</context>
<context>
    <name>LabelSetPanel</name>
    <message>
        <source>Key</source>
        <translation>按键</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Rows</source>
        <translation>行数</translation>
    </message>
    <message>
        <source>Suggested</source>
        <translation>建议</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>&lt;b&gt;Labels&lt;/b&gt;</source>
        <translation>&lt;b&gt;标签&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Double-click a label to show its rows</source>
        <translation>双击标签可显示它的行</translation>
    </message>
    <message>
        <source>New…</source>
        <translation>新建…</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <source>Merge into…</source>
        <translation>合并到…</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Colour…</source>
        <translation>颜色…</translation>
    </message>
    <message>
        <source>Key…</source>
        <translation>按键…</translation>
    </message>
    <message>
        <source>Give this label&apos;s rows another label and remove this one</source>
        <translation>给此标签的行换成另一个标签，并删除此标签</translation>
    </message>
    <message>
        <source>Remove this label; its rows become unlabelled (Ctrl+Z brings both back)</source>
        <translation>删除此标签；它的行变为未标注（Ctrl+Z 可同时恢复两者）</translation>
    </message>
    <message>
        <source>The number key (1-9) that gives this label in the Data view and the review</source>
        <translation>在“数据”视图和复核中给出此标签的数字键（1-9）</translation>
    </message>
    <message>
        <source>Suggestions: none yet</source>
        <translation>建议：暂无</translation>
    </message>
    <message>
        <source>Suggest now</source>
        <translation>立即建议</translation>
    </message>
    <message>
        <source>Review…</source>
        <translation>复核…</translation>
    </message>
    <message>
        <source>Step through a queue with the keyboard: most uncertain, likely mistakes, a diverse start</source>
        <translation>用键盘逐条处理队列：最不确定的、可能标错的、多样化的起点</translation>
    </message>
    <message>
        <source>More like this…</source>
        <translation>更多类似的…</translation>
    </message>
    <message>
        <source>Unlabelled rows most like the rows with this label, scores shown; label the best after a look</source>
        <translation>与带此标签的行最相似的未标注行，附带分数；查看后给最合适的行加标签</translation>
    </message>
    <message>
        <source>Label shown…</source>
        <translation>标注所显示的行…</translation>
    </message>
    <message>
        <source>Give this label to every row the Data view shows now (a search result, a filter)</source>
        <translation>给“数据”视图当前显示的每一行（搜索结果、筛选结果）加上此标签</translation>
    </message>
    <message>
        <source>Unlabelled rows the suggestions give this label</source>
        <translation>建议给出此标签的未标注行</translation>
    </message>
    <message>
        <source>&lt;b&gt;Labels&lt;/b&gt; · {0} of {1} rows labelled</source>
        <translation>&lt;b&gt;标签&lt;/b&gt; · {1} 行中已标注 {0} 行</translation>
    </message>
    <message>
        <source>Choose a label in the list first.</source>
        <translation>请先在列表中选择一个标签。</translation>
    </message>
    <message>
        <source>New label</source>
        <translation>新建标签</translation>
    </message>
    <message>
        <source>Name of the new label:</source>
        <translation>新标签的名称：</translation>
    </message>
    <message>
        <source>Rename label</source>
        <translation>重命名标签</translation>
    </message>
    <message>
        <source>New name for “{0}”:</source>
        <translation>“{0}”的新名称：</translation>
    </message>
    <message>
        <source>Merge labels</source>
        <translation>合并标签</translation>
    </message>
    <message>
        <source>Give the rows labelled “{0}” the label:</source>
        <translation>把标为“{0}”的行改为标签：</translation>
    </message>
    <message>
        <source>Colour of “{0}”</source>
        <translation>“{0}”的颜色</translation>
    </message>
    <message>
        <source>Label key</source>
        <translation>标签按键</translation>
    </message>
    <message>
        <source>Number key for “{0}” (a key another label has moves here):</source>
        <translation>“{0}”的数字键（若已被其他标签占用，则改归此标签）：</translation>
    </message>
    <message>
        <source>Retrain the suggestions on the labelled rows now (they also retrain every few edits): a logistic regression on the rows&apos; sentence vectors from the model&apos;s second-to-last layer, mean-pooled, which measured best</source>
        <translation>立即在已标注的行上重新训练建议模型（每隔几次编辑也会自动重新训练）：对各行的句向量（取自模型倒数第二层，平均池化，实测效果最好）做逻辑回归</translation>
    </message>
</context>
<context>
    <name>LanguageMenu</name>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>System ({0})</source>
        <translation>跟随系统（{0}）</translation>
    </message>
    <message>
        <source>Applies when SemVec Studio is next started</source>
        <translation>下次启动 SemVec Studio 时生效</translation>
    </message>
    <message>
        <source>The language will change when SemVec Studio is next started.</source>
        <translation>界面语言将在下次启动 SemVec Studio 时更改。</translation>
    </message>
</context>
<context>
    <name>LayerCurves</name>
    <message>
        <source>layer (0 = embeddings)</source>
        <translation>层（0 = 嵌入层）</translation>
    </message>
    <message>
        <source>score</source>
        <translation>得分</translation>
    </message>
</context>
<context>
    <name>LayerLabView</name>
    <message>
        <source>Word pairs (*.csv *.tsv *.txt);;All files (*)</source>
        <translation>词对 (*.csv *.tsv *.txt);;所有文件 (*)</translation>
    </message>
    <message>
        <source>A linear probe (a logistic regression on each layer&apos;s mean-pooled text vectors, cross-validated over the folds) with a control task of random labels fixed per word type; selectivity = accuracy - control.</source>
        <translation>线性探针（在每层平均池化的文本向量上做逻辑回归，按折交叉验证），并配有对照任务（每个词型固定一个随机标签）；选择性 = 准确率 − 对照。</translation>
    </message>
    <message>
        <source>The current texts have no label column: label them in the Data view (or open a labelled CSV) to probe them.</source>
        <translation>当前文本没有标签列：请在“数据”视图中标注（或打开带标签的 CSV）后再探测。</translation>
    </message>
    <message>
        <source>probe accuracy</source>
        <translation>探针准确率</translation>
    </message>
    <message>
        <source>control</source>
        <translation>对照</translation>
    </message>
    <message>
        <source>selectivity</source>
        <translation>选择性</translation>
    </message>
    <message>
        <source>word-sim. Spearman</source>
        <translation>词相似度 Spearman</translation>
    </message>
    <message>
        <source>anisotropy</source>
        <translation>各向异性</translation>
    </message>
    <message>
        <source>CKA to last</source>
        <translation>与最后一层的 CKA</translation>
    </message>
    <message>
        <source>layer</source>
        <translation>层</translation>
    </message>
    <message>
        <source>pairs covered</source>
        <translation>覆盖的词对</translation>
    </message>
    <message>
        <source>optional: a WordSim-353 CSV, SimLex-999 TSV or MEN file</source>
        <translation>可选：WordSim-353 CSV、SimLex-999 TSV 或 MEN 文件</translation>
    </message>
    <message>
        <source>Word pairs with human similarity scores: each layer&apos;s whole-word vectors (each word given alone) are scored by the Spearman correlation of their cosines with the scores.</source>
        <translation>带人工相似度评分的词对：每层的完整词向量（每个词单独输入）以其余弦值与评分之间的 Spearman 相关系数打分。</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Probe the labels of the current texts</source>
        <translation>探测当前文本的标签</translation>
    </message>
    <message>
        <source>The column of the table holding each text&apos;s label</source>
        <translation>表格中存放每条文本标签的列</translation>
    </message>
    <message>
        <source>a tag per word</source>
        <translation>每个词一个标记</translation>
    </message>
    <message>
        <source>The label cell holds one tag per whole word of the text, separated by spaces (e.g. part of speech): the probe reads the words&apos; vectors, and the control gives each word type one random tag</source>
        <translation>标签单元格中为文本的每个完整词给出一个标记，以空格分隔（例如词性）：探针读取词向量，对照任务给每个词型一个随机标记</translation>
    </message>
    <message>
        <source>Cross-validation folds of the probe</source>
        <translation>探针的交叉验证折数</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Measure every layer of the current model (one forward pass).</source>
        <translation>度量当前模型的每一层（一次前向计算）。</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Word pairs</source>
        <translation>词对</translation>
    </message>
    <message>
        <source>label column</source>
        <translation>标签列</translation>
    </message>
    <message>
        <source>folds</source>
        <translation>折数</translation>
    </message>
    <message>
        <source>Choose a word-pair file, or tick the probe to use the current texts&apos; labels, then press Run.</source>
        <translation>选择一个词对文件，或勾选探针以使用当前文本的标签，然后点“运行”。</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Open a word-pair file</source>
        <translation>打开词对文件</translation>
    </message>
    <message>
        <source>No model is loaded yet: load one first.</source>
        <translation>尚未载入模型：请先载入一个。</translation>
    </message>
    <message>
        <source>{0}: no such file; choose a WordSim-353 CSV, SimLex-999 TSV or MEN file.</source>
        <translation>{0}：文件不存在；请选择 WordSim-353 CSV、SimLex-999 TSV 或 MEN 文件。</translation>
    </message>
    <message>
        <source>No texts to probe: put some labelled texts in the editor (or open a labelled CSV) first.</source>
        <translation>没有可探测的文本：请先在编辑器中放入带标签的文本（或打开带标签的 CSV）。</translation>
    </message>
    <message>
        <source>The current texts have no labels: label them in the Data view or open a labelled CSV, or untick the probe.</source>
        <translation>当前文本没有标签：请在“数据”视图中标注或打开带标签的 CSV，或取消勾选探针。</translation>
    </message>
    <message>
        <source>Nothing to measure: choose a word-pair file, or tick the probe to use the current texts&apos; labels.</source>
        <translation>没有可测量的内容：请选择词对文件，或勾选探针以使用当前文本的标签。</translation>
    </message>
    <message>
        <source>Layer lab</source>
        <translation>层实验室</translation>
    </message>
    <message>
        <source>Done.</source>
        <translation>完成。</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <source>Layer lab cancelled.</source>
        <translation>层实验室已取消。</translation>
    </message>
    <message>
        <source>mean {0}</source>
        <translation>平均 {0}</translation>
    </message>
    <message>
        <source>{0}: {1} layers</source>
        <translation>{0}：{1} 层</translation>
    </message>
    <message>
        <source>model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>probe on {0} labelled texts</source>
        <translation>在 {0} 条带标签的文本上做探针</translation>
    </message>
    <message>
        <source> ({0} in classes too small for the folds left out)</source>
        <translation>（{0} 条因所在类别样本太少、不够分折而被排除）</translation>
    </message>
    <message>
        <source>{0} words from the pair file</source>
        <translation>词对文件中的 {0} 个词</translation>
    </message>
    <message>
        <source>{0} rows for anisotropy and CKA · {1} s</source>
        <translation>{0} 行用于各向异性和 CKA · {1} 秒</translation>
    </message>
    <message>
        <source>0 (embeddings)</source>
        <translation>0（嵌入层）</translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <source>SVG drawing (*.svg)</source>
        <translation>SVG 图形 (*.svg)</translation>
    </message>
    <message>
        <source>CSV table (*.csv)</source>
        <translation>CSV 表格 (*.csv)</translation>
    </message>
    <message>
        <source>Export the layer lab as {0}</source>
        <translation>将层实验室导出为 {0}</translation>
    </message>
    <message>
        <source>{0}: cannot write it ({1}); choose another place.</source>
        <translation>{0}：无法写入（{1}）；请选择其他位置。</translation>
    </message>
    <message>
        <source>Saved {0}</source>
        <translation>已保存 {0}</translation>
    </message>
</context>
<context>
    <name>LayerProfilePlot</name>
    <message>
        <source>Select a piece and choose “Show layers” (or double-click it) to see its vector through the layers.</source>
        <translation>选中一个词元并点“显示各层”（或双击它），查看它的向量在各层中的变化。</translation>
    </message>
    <message>
        <source>layer (0 = embeddings)</source>
        <translation>层（0 = 嵌入层）</translation>
    </message>
    <message>
        <source>vector norm ●</source>
        <translation>向量范数 ●</translation>
    </message>
    <message>
        <source>cosine to final layer ■</source>
        <translation>与最后一层的余弦 ■</translation>
    </message>
    <message>
        <source>“{0}” through layers 0–{1}: vector norm (left, solid) and cosine to its layer-{1} vector (right, dashed)</source>
        <translation>“{0}”在第 0–{1} 层：向量范数（左轴，实线）及与其第 {1} 层向量的余弦（右轴，虚线）</translation>
    </message>
</context>
<context>
    <name>LossPlot</name>
    <message>
        <source>train loss</source>
        <translation>训练损失</translation>
    </message>
    <message>
        <source>train loss (smoothed)</source>
        <translation>训练损失（平滑后）</translation>
    </message>
    <message>
        <source>validation loss</source>
        <translation>验证损失</translation>
    </message>
    <message>
        <source>accuracy (right)</source>
        <translation>准确率（右轴）</translation>
    </message>
    <message>
        <source>macro-F1 (right)</source>
        <translation>宏 F1（右轴）</translation>
    </message>
    <message>
        <source>Log scale</source>
        <translation>对数坐标</translation>
    </message>
    <message>
        <source>Show the loss axis on a log scale: late, small improvements become visible.</source>
        <translation>以对数坐标显示损失轴：后期的细微改进也能看清。</translation>
    </message>
    <message>
        <source>step {0}: loss {1} (smoothed)</source>
        <translation>第 {0} 步：损失 {1}（平滑后）</translation>
    </message>
    <message>
        <source>last evaluation (step {0}): val loss {1}, accuracy {2}, macro-F1 {3}</source>
        <translation>最近一次评估（第 {0} 步）：验证损失 {1}，准确率 {2}，宏 F1 {3}</translation>
    </message>
    <message>
        <source>step</source>
        <translation>步</translation>
    </message>
    <message>
        <source>loss (cross-entropy)</source>
        <translation>损失（交叉熵）</translation>
    </message>
    <message>
        <source>validation accuracy / macro-F1</source>
        <translation>验证准确率 / 宏 F1</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>Tokens &amp;&amp; words</source>
        <translation>词元与词</translation>
    </message>
    <message>
        <source>Texts</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>Map</source>
        <translation>地图</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>比较</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>层</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>The views appear when the model is loaded…</source>
        <translation>模型载入后将显示各视图…</translation>
    </message>
    <message>
        <source>Loading the default model</source>
        <translation>正在载入默认模型</translation>
    </message>
    <message>
        <source>Loading {0}</source>
        <translation>正在载入 {0}</translation>
    </message>
    <message>
        <source>Model ready: {0}, {1} layers × {2} dims on {3}</source>
        <translation>模型已就绪：{0}，{1} 层 × {2} 维，运行于 {3}</translation>
    </message>
    <message>
        <source>{0} (read-only)</source>
        <translation>{0}（只读）</translation>
    </message>
    <message>
        <source>Loading cancelled. The previous model is still loaded.</source>
        <translation>已取消载入。之前的模型仍在使用。</translation>
    </message>
    <message>
        <source>Loading cancelled.</source>
        <translation>已取消载入。</translation>
    </message>
    <message>
        <source>No texts: paste or type at least one line, or open a file (Ctrl+O).</source>
        <translation>没有文本：请粘贴或输入至少一行，或打开一个文件（Ctrl+O）。</translation>
    </message>
    <message>
        <source>The texts are embedded as soon as the model is loaded.</source>
        <translation>模型载入后将立即嵌入这些文本。</translation>
    </message>
    <message>
        <source>No model is loaded: choose the default model or open a checkpoint folder (Ctrl+Shift+O).</source>
        <translation>尚未载入模型：请选择默认模型，或打开一个检查点文件夹（Ctrl+Shift+O）。</translation>
    </message>
    <message>
        <source>Embedding {0}</source>
        <translation>正在嵌入 {0}</translation>
    </message>
    <message>
        <source>Embedding cancelled; the views still show the previous result.</source>
        <translation>已取消嵌入；各视图仍显示之前的结果。</translation>
    </message>
    <message>
        <source>Read {0} from {1}</source>
        <translation>已从 {1} 读取 {0}</translation>
    </message>
    <message>
        <source>{0} · {1} · {2} · {3} dims · {4}</source>
        <translation>{0} · {1} · {2} · {3} 维 · {4}</translation>
    </message>
    <message>
        <source>{0} piece</source>
        <translation>{0} 个词元</translation>
    </message>
    <message>
        <source>{0} pieces</source>
        <translation>{0} 个词元</translation>
    </message>
    <message>
        <source>{0} word</source>
        <translation>{0} 个词</translation>
    </message>
    <message>
        <source>{0} words</source>
        <translation>{0} 个词</translation>
    </message>
    <message>
        <source>{0} text</source>
        <translation>{0} 条文本</translation>
    </message>
    <message>
        <source>{0} texts</source>
        <translation>{0} 条文本</translation>
    </message>
    <message>
        <source>Layers of one piece</source>
        <translation>单个词元的各层向量</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>Nothing to export yet: embed some texts first (Ctrl+Return).</source>
        <translation>还没有可导出的内容：请先嵌入一些文本（Ctrl+Return）。</translation>
    </message>
</context>
<context>
    <name>MapColors</name>
    <message>
        <source>text {0}</source>
        <translation>文本 {0}</translation>
    </message>
    <message>
        <source>cluster {0}</source>
        <translation>簇 {0}</translation>
    </message>
    <message>
        <source>k-means (k={0}) on {1} points</source>
        <translation>k-means（k={0}），共 {1} 个点</translation>
    </message>
</context>
<context>
    <name>MapData</name>
    <message>
        <source>piece</source>
        <translation>词元</translation>
    </message>
    <message>
        <source>word</source>
        <translation>词</translation>
    </message>
    <message>
        <source>text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>{0} piece</source>
        <translation>{0} 个词元</translation>
    </message>
    <message>
        <source>{0} pieces</source>
        <translation>{0} 个词元</translation>
    </message>
    <message>
        <source>{0} word</source>
        <translation>{0} 个词</translation>
    </message>
    <message>
        <source>{0} words</source>
        <translation>{0} 个词</translation>
    </message>
    <message>
        <source>{0} text</source>
        <translation>{0} 条文本</translation>
    </message>
    <message>
        <source>{0} texts</source>
        <translation>{0} 条文本</translation>
    </message>
    <message>
        <source>Custom axes</source>
        <translation>自定义坐标轴</translation>
    </message>
    <message>
        <source>custom axes: no {0} “{1}” among the {2} rows; type one that occurs.</source>
        <translation>自定义坐标轴：在 {2} 行中没有{0}“{1}”；请输入文本中出现过的内容。</translation>
    </message>
    <message>
        <source>PC1 ({0} % of variance)</source>
        <translation>PC1（解释 {0} % 的方差）</translation>
    </message>
    <message>
        <source>PC2 ({0} %)</source>
        <translation>PC2（{0} %）</translation>
    </message>
    <message>
        <source>&lt;b&gt;Layer path&lt;/b&gt; of {0}: {1} layers, PCA</source>
        <translation>{0}的&lt;b&gt;层路径&lt;/b&gt;：{1} 层，PCA</translation>
    </message>
    <message>
        <source>&lt;b&gt;Word in context&lt;/b&gt;: every “{0}” ({1} occurrences), {2}</source>
        <translation>&lt;b&gt;上下文中的词&lt;/b&gt;：“{0}”的每一次出现（共 {1} 次），{2}</translation>
    </message>
    <message>
        <source> (a sample of {0} of {1})</source>
        <translation>（从 {1} 中抽样 {0}）</translation>
    </message>
    <message>
        <source>&lt;b&gt;{0}&lt;/b&gt; of {1}{2}</source>
        <translation>{1}的 &lt;b&gt;{0}&lt;/b&gt;{2}</translation>
    </message>
    <message>
        <source>trustworthiness {0} · kNN overlap {1} (k={2}, {3} rows)</source>
        <translation>可信度 {0} · kNN 重叠度 {1}（k={2}，{3} 行）</translation>
    </message>
    <message>
        <source>&lt;b&gt;embeddings (layer 0)&lt;/b&gt;</source>
        <translation>&lt;b&gt;嵌入层（第 0 层）&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;layer {0}&lt;/b&gt;</source>
        <translation>&lt;b&gt;第 {0} 层&lt;/b&gt;</translation>
    </message>
    <message>
        <source>text {0}: {1}</source>
        <translation>文本 {0}：{1}</translation>
    </message>
    <message>
        <source>{0} &lt;b&gt;{1}&lt;/b&gt; · text {2}</source>
        <translation>{0} &lt;b&gt;{1}&lt;/b&gt; · 文本 {2}</translation>
    </message>
    <message>
        <source>label: {0}</source>
        <translation>标签：{0}</translation>
    </message>
    <message>
        <source>one colour</source>
        <translation>单一颜色</translation>
    </message>
    <message>
        <source>label</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>layer</source>
        <translation>层</translation>
    </message>
    <message>
        <source>k-means cluster</source>
        <translation>k-means 簇</translation>
    </message>
    <message>
        <source>position in text (value)</source>
        <translation>在文本中的位置（数值）</translation>
    </message>
    <message>
        <source>vector norm (value)</source>
        <translation>向量范数（数值）</translation>
    </message>
</context>
<context>
    <name>MapExplorer</name>
    <message>
        <source>PNG image (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <source>SVG drawing (*.svg)</source>
        <translation>SVG 图形 (*.svg)</translation>
    </message>
    <message>
        <source>Tab-separated values (*.tsv)</source>
        <translation>制表符分隔值 (*.tsv)</translation>
    </message>
    <message>
        <source>Nearest neighbours</source>
        <translation>最近邻</translation>
    </message>
    <message>
        <source>layer {0}</source>
        <translation>第 {0} 层</translation>
    </message>
    <message>
        <source>Label the selection</source>
        <translation>标注所选内容</translation>
    </message>
    <message>
        <source>Label for {0} rows:</source>
        <translation>{0} 行的标签：</translation>
    </message>
    <message>
        <source>Click a point first: its vector at every layer is shown as a path.</source>
        <translation>请先点击一个点：它在每一层的向量会显示为一条路径。</translation>
    </message>
    <message>
        <source>Layer path needs the model: load one and embed the texts again.</source>
        <translation>层路径需要模型：请载入一个模型并重新嵌入文本。</translation>
    </message>
    <message>
        <source>Layer path of “{0}”</source>
        <translation>“{0}”的层路径</translation>
    </message>
    <message>
        <source>Nothing to export yet: project some vectors first.</source>
        <translation>还没有可导出的内容：请先投影一些向量。</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Wrote the plot to {0}</source>
        <translation>已将图表写入 {0}</translation>
    </message>
    <message>
        <source>Wrote {0} points with their metadata to {1}</source>
        <translation>已将 {0} 个点及其元数据写入 {1}</translation>
    </message>
    <message>
        <source>Writing coordinates</source>
        <translation>正在写入坐标</translation>
    </message>
</context>
<context>
    <name>MapToolbar</name>
    <message>
        <source>Number of k-means clusters (computed in the original space)</source>
        <translation>k-means 簇的数量（在原始空间中计算）</translation>
    </message>
    <message>
        <source>Search pieces, words or texts…</source>
        <translation>搜索词元、词或文本…</translation>
    </message>
    <message>
        <source>regex</source>
        <translation>正则</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Plot as PNG…</source>
        <translation>图表存为 PNG…</translation>
    </message>
    <message>
        <source>Plot as SVG…</source>
        <translation>图表存为 SVG…</translation>
    </message>
    <message>
        <source>Coordinates with metadata (TSV)…</source>
        <translation>坐标及元数据 (TSV)…</translation>
    </message>
    <message>
        <source>Colour by</source>
        <translation>着色依据</translation>
    </message>
    <message>
        <source>Pan</source>
        <translation>平移</translation>
    </message>
    <message>
        <source>Drag to pan, wheel to zoom, click a point to select it</source>
        <translation>拖动以平移，滚轮缩放，点击一个点将其选中</translation>
    </message>
    <message>
        <source>Lasso</source>
        <translation>套索</translation>
    </message>
    <message>
        <source>Drag a freehand shape to select (Shift adds, Ctrl removes)</source>
        <translation>拖出任意形状进行选择（Shift 添加，Ctrl 移除）</translation>
    </message>
    <message>
        <source>Rectangle</source>
        <translation>矩形</translation>
    </message>
    <message>
        <source>Drag a rectangle to select (Shift adds, Ctrl removes)</source>
        <translation>拖出矩形进行选择（Shift 添加，Ctrl 移除）</translation>
    </message>
    <message>
        <source>Point size in pixels</source>
        <translation>点的大小（像素）</translation>
    </message>
    <message>
        <source>Point opacity</source>
        <translation>点的不透明度</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Opacity</source>
        <translation>不透明度</translation>
    </message>
</context>
<context>
    <name>ModelPanel</name>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>架构</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>规模</translation>
    </message>
    <message>
        <source>Vocabulary</source>
        <translation>词表</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <source>Max length</source>
        <translation>最大长度</translation>
    </message>
    <message>
        <source>Tokenizer</source>
        <translation>分词器</translation>
    </message>
    <message>
        <source>Weights</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>Open folder…</source>
        <translation>打开文件夹…</translation>
    </message>
    <message>
        <source>Open a local Hugging Face checkpoint folder (Ctrl+Shift+O); or drop it here</source>
        <translation>打开本地的 Hugging Face 检查点文件夹（Ctrl+Shift+O），或将其拖放到这里</translation>
    </message>
    <message>
        <source>Default model</source>
        <translation>默认模型</translation>
    </message>
    <message>
        <source>The bundled all-MiniLM-L6-v2</source>
        <translation>内置的 all-MiniLM-L6-v2</translation>
    </message>
    <message>
        <source>Recently opened checkpoints</source>
        <translation>最近打开的检查点</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>dtype</source>
        <translation>数据类型</translation>
    </message>
    <message>
        <source>Open a checkpoint folder</source>
        <translation>打开检查点文件夹</translation>
    </message>
    <message>
        <source>Recent…</source>
        <translation>最近…</translation>
    </message>
    <message>
        <source>Loading the default model…</source>
        <translation>正在载入默认模型…</translation>
    </message>
    <message>
        <source>Loading {0}…</source>
        <translation>正在载入 {0}…</translation>
    </message>
    <message>
        <source>{0} layers × {1} dims, {2} heads</source>
        <translation>{0} 层 × {1} 维，{2} 个注意力头</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>{0} tokens</source>
        <translation>{0} 个词元</translation>
    </message>
    <message>
        <source>{0} on {1}, {2}</source>
        <translation>{0}，运行于 {1}，{2}</translation>
    </message>
    <message>
        <source> The previous model ({0}) is still loaded.</source>
        <translation> 之前的模型（{0}）仍处于载入状态。</translation>
    </message>
    <message>
        <source>Load pickle weights?</source>
        <translation>载入 pickle 权重？</translation>
    </message>
    <message>
        <source>{0} has only pickle weights (*.bin) and no .safetensors.

Loading a pickle file can run arbitrary code. Load it only if you trust where the checkpoint came from.

Load it anyway?</source>
        <translation>{0} 只有 pickle 权重（*.bin），没有 .safetensors。

载入 pickle 文件可能执行任意代码。只有在你信任该检查点的来源时才载入。

仍要载入吗？</translation>
    </message>
</context>
<context>
    <name>MoreLikeThisDialog</name>
    <message>
        <source>More like “{0}”</source>
        <translation>更多类似“{0}”的</translation>
    </message>
    <message>
        <source>Rank</source>
        <translation>排名</translation>
    </message>
    <message>
        <source>Unlabelled rows most like the rows labelled “{0}”, best first.</source>
        <translation>与标为“{0}”的行最相似的未标注行，最相似的在前。</translation>
    </message>
    <message>
        <source>Row</source>
        <translation>行</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>分数</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>Label the checked rows “{0}”</source>
        <translation>将勾选的行标为“{0}”</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Rows:</source>
        <translation>行：</translation>
    </message>
    <message>
        <source>Ranking…</source>
        <translation>正在排序…</translation>
    </message>
    <message>
        <source>{0} most like the rows labelled “{1}”, best first (cosine of the sentence vectors). Untick those that do not belong.</source>
        <translation>与标为“{1}”的行最相似的 {0}，最相似的在前（句子向量的余弦）。请取消勾选不属于此类的行。</translation>
    </message>
    <message>
        <source>{0} unlabelled row</source>
        <translation>{0} 个未标注行</translation>
    </message>
    <message>
        <source>{0} unlabelled rows</source>
        <translation>{0} 个未标注行</translation>
    </message>
    <message>
        <source>No row is checked.</source>
        <translation>没有勾选任何行。</translation>
    </message>
    <message>
        <source>Labelled {0} “{1}” (Ctrl+Z in the Data view undoes it).</source>
        <translation>已将 {0} 标为“{1}”（在“数据”视图中按 Ctrl+Z 可撤销）。</translation>
    </message>
    <message>
        <source>{0} row</source>
        <translation>{0} 行</translation>
    </message>
    <message>
        <source>{0} rows</source>
        <translation>{0} 行</translation>
    </message>
</context>
<context>
    <name>MostChanged</name>
    <message>
        <source>&lt;b&gt;Most changed&lt;/b&gt;</source>
        <translation>&lt;b&gt;变化最大&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Rows whose nearest neighbours changed most between A and B (Jaccard overlap of the k nearest neighbours in the original spaces; 0 = none shared). Click a header to sort.</source>
        <translation>最近邻在 A 与 B 之间变化最大的行（原始空间中 k 个最近邻的 Jaccard 重叠度；0 = 没有共同近邻）。点击表头可排序。</translation>
    </message>
</context>
<context>
    <name>NeighbourLists</name>
    <message>
        <source>kept</source>
        <translation>保留</translation>
    </message>
    <message>
        <source>left</source>
        <translation>移出</translation>
    </message>
    <message>
        <source>entered</source>
        <translation>新进</translation>
    </message>
    <message>
        <source>Select a point, or a line of the table, to see its neighbours in A and in B.</source>
        <translation>选中一个点或表格中的一行，查看它在 A 和 B 中的近邻。</translation>
    </message>
    <message>
        <source>&lt;b&gt;In A&lt;/b&gt;</source>
        <translation>&lt;b&gt;在 A 中&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;In B&lt;/b&gt;</source>
        <translation>&lt;b&gt;在 B 中&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Double-click a neighbour (or press Enter on it) to select it.</source>
        <translation>双击某个近邻（或选中后按 Enter）即可选中它。</translation>
    </message>
    <message>
        <source>&lt;span style=&apos;color:{0}&apos;&gt;− left&lt;/span&gt;: not among B&apos;s neighbours · &lt;span style=&apos;color:{1}&apos;&gt;+ entered&lt;/span&gt;: new in B</source>
        <translation>&lt;span style=&apos;color:{0}&apos;&gt;− 移出&lt;/span&gt;：不在 B 的近邻中 · &lt;span style=&apos;color:{1}&apos;&gt;+ 新进&lt;/span&gt;：B 中新出现</translation>
    </message>
    <message>
        <source>similarity {0} · {1}</source>
        <translation>相似度 {0} · {1}</translation>
    </message>
</context>
<context>
    <name>NewWorkspaceDialog</name>
    <message>
        <source>(no labels)</source>
        <translation>（无标签）</translation>
    </message>
    <message>
        <source>New workspace</source>
        <translation>新建工作区</translation>
    </message>
    <message>
        <source>{0} files: {1}…</source>
        <translation>{0} 个文件：{1}…</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>Replace it if it exists</source>
        <translation>若已存在则替换</translation>
    </message>
    <message>
        <source>From</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Workspace file</source>
        <translation>工作区文件</translation>
    </message>
    <message>
        <source>Text column</source>
        <translation>文本列</translation>
    </message>
    <message>
        <source>Label column</source>
        <translation>标签列</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>创建</translation>
    </message>
    <message>
        <source> (the first rows of a long file)</source>
        <translation>（长文件的前若干行）</translation>
    </message>
    <message>
        <source>The text column and the label column are both &apos;{0}&apos;: choose two different columns.</source>
        <translation>文本列和标签列都是“{0}”：请选择两个不同的列。</translation>
    </message>
    <message>
        <source>SemVec workspaces ({0})</source>
        <translation>SemVec 工作区 ({0})</translation>
    </message>
    <message>
        <source>Give the workspace a file name (e.g. reviews.semvec).</source>
        <translation>请为工作区指定文件名（例如 reviews.semvec）。</translation>
    </message>
    <message>
        <source>{0}: exists already; choose another name, or tick &apos;Replace it if it exists&apos;.</source>
        <translation>{0}：已存在；请换一个名称，或勾选“若已存在则替换”。</translation>
    </message>
</context>
<context>
    <name>Notifier</name>
    <message>
        <source>Error: {0}</source>
        <translation>错误：{0}</translation>
    </message>
    <message>
        <source>Unexpected error: {0}</source>
        <translation>意外错误：{0}</translation>
    </message>
    <message>
        <source>Unexpected error</source>
        <translation>意外错误</translation>
    </message>
    <message>
        <source>Something went wrong inside SemVec Studio. This is a bug; the app should still work.</source>
        <translation>SemVec Studio 内部出错了。这是一个程序缺陷；应用应该仍可继续使用。</translation>
    </message>
</context>
<context>
    <name>Options</name>
    <message>
        <source>Labelled file</source>
        <translation>带标签的文件</translation>
    </message>
    <message>
        <source>labelled training file (.csv, .tsv or .jsonl); not needed with --resume</source>
        <translation>带标签的训练文件（.csv、.tsv 或 .jsonl）；使用 --resume 时不需要</translation>
    </message>
    <message>
        <source>Output folder</source>
        <translation>输出文件夹</translation>
    </message>
    <message>
        <source>output folder: the model, metrics.json, loss.csv, params.json</source>
        <translation>输出文件夹：模型、metrics.json、loss.csv、params.json</translation>
    </message>
    <message>
        <source>Text column</source>
        <translation>文本列</translation>
    </message>
    <message>
        <source>column with the texts (default: &apos;text&apos; or &apos;sentence&apos;)</source>
        <translation>存放文本的列（默认：“text”或“sentence”）</translation>
    </message>
    <message>
        <source>Label column</source>
        <translation>标签列</translation>
    </message>
    <message>
        <source>column with the labels (default: &apos;label&apos;, &apos;class&apos;, &apos;category&apos;, ...)</source>
        <translation>存放标签的列（默认：“label”“class”“category”等）</translation>
    </message>
    <message>
        <source>Delimiter</source>
        <translation>分隔符</translation>
    </message>
    <message>
        <source>delimiter (default: sniffed; .tsv files: tab)</source>
        <translation>分隔符（默认：自动探测；.tsv 文件为制表符）</translation>
    </message>
    <message>
        <source>Encoding</source>
        <translation>编码</translation>
    </message>
    <message>
        <source>file encoding (default: UTF-8, else detected with a warning)</source>
        <translation>文件编码（默认：UTF-8，否则自动识别并给出提示）</translation>
    </message>
    <message>
        <source>Quoted fields</source>
        <translation>字段带引号</translation>
    </message>
    <message>
        <source>fields are quoted; off: sentences may contain bare &quot;</source>
        <translation>字段用引号括起；关闭时句子中可以包含单独的 &quot;</translation>
    </message>
    <message>
        <source>Validation file</source>
        <translation>验证文件</translation>
    </message>
    <message>
        <source>a separate validation file (default: hold out --val-split of --csv)</source>
        <translation>单独的验证文件（默认：从 --csv 中按 --val-split 留出）</translation>
    </message>
    <message>
        <source>Validation share</source>
        <translation>验证集比例</translation>
    </message>
    <message>
        <source>fraction of each class held out for validation, seeded</source>
        <translation>每个类别留作验证的比例（按固定种子抽取）</translation>
    </message>
    <message>
        <source>Evaluate every</source>
        <translation>评估间隔</translation>
    </message>
    <message>
        <source>evaluate every N steps (default: at the end of every epoch)</source>
        <translation>每 N 步评估一次（默认：每轮结束时）</translation>
    </message>
    <message>
        <source>each epoch</source>
        <translation>每轮</translation>
    </message>
    <message>
        <source>Best by</source>
        <translation>最佳依据</translation>
    </message>
    <message>
        <source>picks the best checkpoint and drives early stopping; macro-F1 treats every class equally</source>
        <translation>用于挑选最佳检查点并决定提前停止；宏 F1 对每个类别一视同仁</translation>
    </message>
    <message>
        <source>Ties within (SE)</source>
        <translation>视为持平（标准误）</translation>
    </message>
    <message>
        <source>validation figures within this many standard errors of the best are ties (a small validation set cannot order them), and the latest of them is kept; 0 = strictly the best</source>
        <translation>与最佳值相差在这么多个标准误之内的验证结果视为持平（验证集较小时无法区分它们），并保留其中最新的一个；0 = 严格取最佳</translation>
    </message>
    <message>
        <source>strictly the best</source>
        <translation>严格取最佳</translation>
    </message>
    <message>
        <source>Patience</source>
        <translation>耐心值</translation>
    </message>
    <message>
        <source>stop after this many evaluations without improvement; 0 = never</source>
        <translation>连续这么多次评估没有改进就停止；0 = 从不提前停止</translation>
    </message>
    <message>
        <source>never stop early</source>
        <translation>从不提前停止</translation>
    </message>
    <message>
        <source>Base model</source>
        <translation>基础模型</translation>
    </message>
    <message>
        <source>&apos;default&apos; (bundled all-MiniLM-L6-v2) or a local Hugging Face model folder</source>
        <translation>“default”（内置的 all-MiniLM-L6-v2）或本地的 Hugging Face 模型文件夹</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>方法</translation>
    </message>
    <message>
        <source>finetune the whole model, or probe: a logistic regression on the frozen model&apos;s pooled vectors (seconds; a quick baseline)</source>
        <translation>finetune：微调整个模型；probe：在冻结模型的池化向量上做逻辑回归（几秒钟，快速的基线）</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>轮数</translation>
    </message>
    <message>
        <source>passes over the training rows</source>
        <translation>遍历训练数据的次数</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>peak learning rate of AdamW after the warm-up; 1e-4 suits small models, large ones prefer 2e-5</source>
        <translation>预热之后 AdamW 的峰值学习率；小模型适合 1e-4，大模型宜用 2e-5</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>批大小</translation>
    </message>
    <message>
        <source>texts per step; lower it if memory runs out</source>
        <translation>每步的文本数；内存不足时请调小</translation>
    </message>
    <message>
        <source>Max length</source>
        <translation>最大长度</translation>
    </message>
    <message>
        <source>tokens per text; longer texts are cut</source>
        <translation>每条文本的词元数；更长的文本会被截断</translation>
    </message>
    <message>
        <source>Weight decay</source>
        <translation>权重衰减</translation>
    </message>
    <message>
        <source>AdamW weight decay; not applied to biases and LayerNorm</source>
        <translation>AdamW 权重衰减；不作用于偏置和 LayerNorm</translation>
    </message>
    <message>
        <source>Warm-up</source>
        <translation>预热</translation>
    </message>
    <message>
        <source>fraction of the steps spent raising the learning rate from 0</source>
        <translation>学习率从 0 逐步升高所占的步数比例</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>seeds the split, the batch order and the new classifier head</source>
        <translation>决定数据划分、批次顺序和新分类头的初始化</translation>
    </message>
    <message>
        <source>Max steps</source>
        <translation>最大步数</translation>
    </message>
    <message>
        <source>stop after this many steps (the schedule spans them); 0 = no limit</source>
        <translation>达到这么多步后停止（学习率计划覆盖这些步）；0 = 不限</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>不限</translation>
    </message>
    <message>
        <source>Gradient clip</source>
        <translation>梯度裁剪</translation>
    </message>
    <message>
        <source>clip the gradient norm to this; 0 = no clipping</source>
        <translation>把梯度范数裁剪到此值；0 = 不裁剪</translation>
    </message>
    <message>
        <source>no clipping</source>
        <translation>不裁剪</translation>
    </message>
    <message>
        <source>Average</source>
        <translation>权重平均</translation>
    </message>
    <message>
        <source>evaluate and keep a moving average of the weights, this decay per step (~1/(1-decay) steps; 0.995: ~200), steadier than any single step&apos;s weights; 0 = the raw weights</source>
        <translation>评估并保留权重的滑动平均，每步按此衰减（约 1/(1-衰减) 步；0.995 约为 200 步），比任何单步的权重都更稳定；0 = 使用原始权重</translation>
    </message>
    <message>
        <source>raw weights</source>
        <translation>原始权重</translation>
    </message>
    <message>
        <source>Group by length</source>
        <translation>按长度分组</translation>
    </message>
    <message>
        <source>batches of similar lengths (less padding); off: plain shuffled batches</source>
        <translation>长度相近的文本组成一批（填充更少）；关闭时为普通的随机批次</translation>
    </message>
    <message>
        <source>Probe layer</source>
        <translation>探针层</translation>
    </message>
    <message>
        <source>layer whose pooled vectors are used: 0 = embeddings, -1 = last</source>
        <translation>使用哪一层的池化向量：0 = 嵌入层，-1 = 最后一层</translation>
    </message>
    <message>
        <source>Probe pooling</source>
        <translation>探针池化</translation>
    </message>
    <message>
        <source>sentence pooling</source>
        <translation>句子池化方式</translation>
    </message>
    <message>
        <source>Probe C</source>
        <translation>探针 C 值</translation>
    </message>
    <message>
        <source>inverse regularisation strength of the logistic regression</source>
        <translation>逻辑回归正则化强度的倒数</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>auto, cpu, cuda or mps; auto picks a GPU when there is one</source>
        <translation>auto、cpu、cuda 或 mps；auto 在有 GPU 时自动使用 GPU</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>精度</translation>
    </message>
    <message>
        <source>auto: bf16 autocast only on hardware with native bf16 (GPU, AMX/AVX512-BF16 CPU), else float32</source>
        <translation>auto：仅在原生支持 bf16 的硬件（GPU、支持 AMX/AVX512-BF16 的 CPU）上自动使用 bf16，否则使用 float32</translation>
    </message>
    <message>
        <source>Keep the checkpoint</source>
        <translation>保留检查点</translation>
    </message>
    <message>
        <source>keep the resumable checkpoint/ subfolder when the run finishes</source>
        <translation>训练结束后保留可续训的 checkpoint/ 子文件夹</translation>
    </message>
</context>
<context>
    <name>OverlapModel</name>
    <message>
        <source>overlap</source>
        <translation>重叠度</translation>
    </message>
    <message>
        <source>word</source>
        <translation>词</translation>
    </message>
    <message>
        <source>text</source>
        <translation>文本</translation>
    </message>
</context>
<context>
    <name>PointBox</name>
    <message>
        <source>Selected point</source>
        <translation>所选点</translation>
    </message>
    <message>
        <source>Click a point to see it and its nearest neighbours.</source>
        <translation>点击一个点，查看它及其最近邻。</translation>
    </message>
    <message>
        <source>How many neighbours to list</source>
        <translation>列出多少个近邻</translation>
    </message>
    <message>
        <source>neighbour</source>
        <translation>近邻</translation>
    </message>
    <message>
        <source>similarity</source>
        <translation>相似度</translation>
    </message>
    <message>
        <source>Double-click a neighbour to jump to it</source>
        <translation>双击一个近邻可跳转到它</translation>
    </message>
    <message>
        <source>Nearest neighbours</source>
        <translation>最近邻</translation>
    </message>
    <message>
        <source>Nearest in the original vector space, not on the map</source>
        <translation>在原始向量空间中最近，而非在地图上</translation>
    </message>
    <message>
        <source>Nearest neighbours ({0})</source>
        <translation>最近邻（{0}）</translation>
    </message>
    <message>
        <source>cosine</source>
        <translation>余弦</translation>
    </message>
    <message>
        <source>−distance</source>
        <translation>−距离</translation>
    </message>
    <message>
        <source>Nearest neighbours ({0}, {1})</source>
        <translation>最近邻（{0}，{1}）</translation>
    </message>
</context>
<context>
    <name>ProgressPage</name>
    <message>
        <source>Choose a labelled file, check the columns and press Start.</source>
        <translation>选择带标签的文件，检查各列后点“开始”。</translation>
    </message>
    <message>
        <source>The run&apos;s log.</source>
        <translation>本次运行的日志。</translation>
    </message>
    <message>
        <source>Preparing: reading the data and loading the model…</source>
        <translation>准备中：正在读取数据并载入模型…</translation>
    </message>
    <message>
        <source>train loss</source>
        <translation>训练损失</translation>
    </message>
    <message>
        <source>validation loss</source>
        <translation>验证损失</translation>
    </message>
    <message>
        <source>validation accuracy</source>
        <translation>验证准确率</translation>
    </message>
    <message>
        <source>validation macro-F1</source>
        <translation>验证宏 F1</translation>
    </message>
    <message>
        <source>Done: {0} after {1} in {2}; kept the checkpoint of step {3}.</source>
        <translation>完成：{0}，共 {1}，用时 {2}；保留第 {3} 步的检查点。</translation>
    </message>
    <message>
        <source>{0} step</source>
        <translation>{0} 步</translation>
    </message>
    <message>
        <source>{0} steps</source>
        <translation>{0} 步</translation>
    </message>
    <message>
        <source>{0} training / {1}, classes {2}; {3} on {4} in {5}</source>
        <translation>{0} 条训练 / {1}，类别 {2}；{3}，运行于 {4}，精度 {5}</translation>
    </message>
    <message>
        <source>{0} validation row</source>
        <translation>{0} 条验证</translation>
    </message>
    <message>
        <source>{0} validation rows</source>
        <translation>{0} 条验证</translation>
    </message>
    <message>
        <source>step {0} / {1} · elapsed {2} · about {3} left (or less, if it stops early)</source>
        <translation>第 {0} / {1} 步 · 已用 {2} · 约剩 {3}（若提前停止则更短）</translation>
    </message>
    <message>
        <source>A linear probe is fitted in one go (a logistic regression on the frozen model&apos;s vectors), so it has no training curve. Its figures:</source>
        <translation>线性探针一次拟合完成（在冻结模型的向量上做逻辑回归），因此没有训练曲线。其结果：</translation>
    </message>
</context>
<context>
    <name>ProjectionControls</name>
    <message>
        <source>Tokens (pieces)</source>
        <translation>词元（子词）</translation>
    </message>
    <message>
        <source>Whole words</source>
        <translation>完整的词</translation>
    </message>
    <message>
        <source>Texts</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>Principal components: fast, linear, the same every time; axes show the variance they explain.</source>
        <translation>主成分：快速、线性、每次结果相同；坐标轴显示其解释的方差。</translation>
    </message>
    <message>
        <source>t-SNE keeps local neighbourhoods; distances between clusters mean little. Seconds to minutes.</source>
        <translation>t-SNE 保留局部邻域；簇与簇之间的距离意义不大。需要几秒到几分钟。</translation>
    </message>
    <message>
        <source>UMAP keeps local and some global structure. Needs umap-learn (pip install &apos;semvec-studio[umap]&apos;).</source>
        <translation>UMAP 保留局部结构和部分全局结构。需要 umap-learn（pip install &apos;semvec-studio[umap]&apos;）。</translation>
    </message>
    <message>
        <source>x runs from the vector of one item to another (e.g. man → woman), y likewise (Embedding Projector&apos;s custom projection).</source>
        <translation>x 轴从一个项的向量指向另一个项的向量（例如 man → woman），y 轴同理（即 Embedding Projector 的自定义投影）。</translation>
    </message>
    <message>
        <source>No parameters: the two directions of largest variance.</source>
        <translation>无参数：方差最大的两个方向。</translation>
    </message>
    <message>
        <source>Projection</source>
        <translation>投影</translation>
    </message>
    <message>
        <source>Which vectors to put on the map</source>
        <translation>要放到地图上的向量</translation>
    </message>
    <message>
        <source>Project</source>
        <translation>投影</translation>
    </message>
    <message>
        <source>{0} (needs {1})</source>
        <translation>{0}（需要 {1}）</translation>
    </message>
    <message>
        <source>No parameters.</source>
        <translation>无参数。</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>方法</translation>
    </message>
    <message>
        <source>The same seed and inputs give the same map</source>
        <translation>相同的随机种子和输入会得到相同的地图</translation>
    </message>
    <message>
        <source>all rows</source>
        <translation>全部行</translation>
    </message>
    <message>
        <source>Project a seeded random sample of at most this many rows (0: all rows)</source>
        <translation>投影一个固定种子的随机样本，最多这么多行（0：全部行）</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>Rows</source>
        <translation>行数</translation>
    </message>
    <message>
        <source>Compute the map on the runner (progress and Cancel in the status bar)</source>
        <translation>在后台计算地图（进度和“取消”在状态栏中）</translation>
    </message>
    <message>
        <source>Perplexity</source>
        <translation>困惑度</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Metric</source>
        <translation>度量</translation>
    </message>
    <message>
        <source>Neighbours</source>
        <translation>近邻数</translation>
    </message>
    <message>
        <source>Min. distance</source>
        <translation>最小距离</translation>
    </message>
    <message>
        <source>A piece, word or text of this level (the first match is used)</source>
        <translation>该层级的一个词元、词或文本（使用第一个匹配项）</translation>
    </message>
    <message>
        <source>{0} from</source>
        <translation>{0} 轴从</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop the projection</source>
        <translation>停止投影</translation>
    </message>
    <message>
        <source>Compute the map (progress in the status bar)</source>
        <translation>计算地图（进度显示在状态栏中）</translation>
    </message>
    <message>
        <source>Open vectors folder…</source>
        <translation>打开向量文件夹…</translation>
    </message>
    <message>
        <source>Map the vectors of a folder written by &apos;semvec extract&apos; (sharded or not) instead of the app&apos;s; embedding the texts again brings the app&apos;s back</source>
        <translation>显示由 &apos;semvec extract&apos; 写出的文件夹（分片与否均可）中的向量，代替本应用的向量；再次嵌入文本即恢复本应用的向量</translation>
    </message>
</context>
<context>
    <name>ProjectionPanel</name>
    <message>
        <source>Embed some texts, then press Project.</source>
        <translation>请先嵌入一些文本，然后点“投影”。</translation>
    </message>
    <message>
        <source>The vectors changed: press &lt;b&gt;Project&lt;/b&gt; to map them.</source>
        <translation>向量已改变：点&lt;b&gt;投影&lt;/b&gt;重新绘制地图。</translation>
    </message>
    <message>
        <source>Nothing to project yet: embed some texts first (Ctrl+Return).</source>
        <translation>还没有可投影的内容：请先嵌入一些文本（Ctrl+Return）。</translation>
    </message>
    <message>
        <source>The map of these {0}, as it was kept</source>
        <translation>这 {0} 的地图，沿用之前保存的结果</translation>
    </message>
    <message>
        <source>Projecting {0} ({1})</source>
        <translation>正在投影 {0}（{1}）</translation>
    </message>
    <message>
        <source>Type a word that occurs in the texts, e.g. bank.</source>
        <translation>请输入一个在文本中出现过的词，例如 bank。</translation>
    </message>
    <message>
        <source>{0} time</source>
        <translation>{0} 次</translation>
    </message>
    <message>
        <source>{0} times</source>
        <translation>{0} 次</translation>
    </message>
    <message>
        <source>“{0}” occurs {1}; Word in context needs at least {2} occurrences.</source>
        <translation>“{0}”出现了 {1}；“上下文中的词”至少需要出现 {2} 次。</translation>
    </message>
    <message>
        <source>Word in context: {0} × “{1}”</source>
        <translation>上下文中的词：{0} × “{1}”</translation>
    </message>
    <message>
        <source>Projection cancelled; the map shows the previous result.</source>
        <translation>已取消投影；地图仍显示之前的结果。</translation>
    </message>
    <message>
        <source>emb.</source>
        <translation>嵌入</translation>
    </message>
    <message>
        <source>{0} of {1} points match “{2}”</source>
        <translation>{1} 个点中有 {0} 个匹配“{2}”</translation>
    </message>
    <message>
        <source>Labelled {0} rows “{1}” (the &apos;label&apos; column; exported with the vectors)</source>
        <translation>已将 {0} 行标注为“{1}”（“label”列；随向量一起导出）</translation>
    </message>
    <message>
        <source>{0} holds vectors of one level only: choose “{1}” in Project.</source>
        <translation>{0} 只包含一个层级的向量：请在“投影”中选择“{1}”。</translation>
    </message>
    <message>
        <source>Folder &lt;b&gt;{0}&lt;/b&gt;</source>
        <translation>文件夹 &lt;b&gt;{0}&lt;/b&gt;</translation>
    </message>
    <message>
        <source>These vectors come from {0}: their texts are not in the Data tab (hover or click a point to read its own).</source>
        <translation>这些向量来自 {0}：它们的文本不在“数据”页中（悬停或点击某个点即可查看它自己的文本）。</translation>
    </message>
    <message>
        <source>Layer path needs the model and the texts these vectors came from: embed the texts in the app to follow a point through the layers.</source>
        <translation>层路径需要生成这些向量的模型和文本：请在本应用中嵌入这些文本，以追踪一个点在各层中的变化。</translation>
    </message>
</context>
<context>
    <name>ReadTextFile</name>
    <message>
        <source>{0}: unknown file type &apos;{1}&apos;; open a {2} file.</source>
        <translation>{0}：未知的文件类型“{1}”；请打开 {2} 文件。</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>{0}: no such file; check the path.</source>
        <translation>{0}：文件不存在；请检查路径。</translation>
    </message>
    <message>
        <source>reading {0}</source>
        <translation>正在读取 {0}</translation>
    </message>
    <message>
        <source>{0}: cannot be read ({1}); check its permissions.</source>
        <translation>{0}：无法读取（{1}）；请检查其权限。</translation>
    </message>
    <message>
        <source>{0}: no texts found ({1} blank lines skipped); give at least one non-empty line.</source>
        <translation>{0}：没有找到文本（跳过了 {1} 个空行）；请至少提供一行非空内容。</translation>
    </message>
</context>
<context>
    <name>ReviewDialog</name>
    <message>
        <source>Most uncertain</source>
        <translation>最不确定</translation>
    </message>
    <message>
        <source>Likely mistakes</source>
        <translation>可能标错</translation>
    </message>
    <message>
        <source>Diverse start</source>
        <translation>多样化起点</translation>
    </message>
    <message>
        <source>Highest entropy</source>
        <translation>熵最高</translation>
    </message>
    <message>
        <source>Random</source>
        <translation>随机</translation>
    </message>
    <message>
        <source>uncertainty</source>
        <translation>不确定度</translation>
    </message>
    <message>
        <source>entropy</source>
        <translation>熵</translation>
    </message>
    <message>
        <source>likely wrong</source>
        <translation>可能有误</translation>
    </message>
    <message>
        <source>cluster share</source>
        <translation>簇占比</translation>
    </message>
    <message>
        <source>random</source>
        <translation>随机</translation>
    </message>
    <message>
        <source>Enter accepts the suggestion · 1-9 give a label · Space skips · Ctrl+Z undoes · Esc closes</source>
        <translation>Enter 接受建议 · 1-9 给出标签 · 空格跳过 · Ctrl+Z 撤销 · Esc 关闭</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>复核</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Rank the rows again with the latest labels and suggestions</source>
        <translation>用最新的标签和建议重新给各行排序</translation>
    </message>
    <message>
        <source>Queue:</source>
        <translation>队列：</translation>
    </message>
    <message>
        <source>Accept (Enter)</source>
        <translation>接受（Enter）</translation>
    </message>
    <message>
        <source>Skip (Space)</source>
        <translation>跳过（空格）</translation>
    </message>
    <message>
        <source>Undo (Ctrl+Z)</source>
        <translation>撤销（Ctrl+Z）</translation>
    </message>
    <message>
        <source>Ranking the rows…</source>
        <translation>正在给各行排序…</translation>
    </message>
    <message>
        <source>This queue is empty: no given label looks wrong.</source>
        <translation>此队列为空：没有看起来标错的标签。</translation>
    </message>
    <message>
        <source>This queue is empty: every row with a vector has a label.</source>
        <translation>此队列为空：每个有向量的行都已有标签。</translation>
    </message>
    <message>
        <source>No labels yet: make some under Labels.</source>
        <translation>还没有标签：请在“标签”中新建。</translation>
    </message>
    <message>
        <source>Choose a queue and press Start.</source>
        <translation>选择一个队列，然后点“开始”。</translation>
    </message>
    <message>
        <source>{0} of {1}</source>
        <translation>{0} / {1}</translation>
    </message>
    <message>
        <source>The queue is done: Start ranks a new one with the latest labels.</source>
        <translation>队列已处理完：点“开始”可用最新的标签重新排出一个队列。</translation>
    </message>
    <message>
        <source>Row {0}</source>
        <translation>第 {0} 行</translation>
    </message>
    <message>
        <source>given: &lt;b&gt;{0}&lt;/b&gt; ({1})</source>
        <translation>已标：&lt;b&gt;{0}&lt;/b&gt;（{1}）</translation>
    </message>
    <message>
        <source>suggested: &lt;b&gt;{0}&lt;/b&gt; ({1})</source>
        <translation>建议：&lt;b&gt;{0}&lt;/b&gt;（{1}）</translation>
    </message>
    <message>
        <source>no suggestion yet</source>
        <translation>暂无建议</translation>
    </message>
    <message>
        <source>No suggestion for this row: give it a label with its number key, or skip it.</source>
        <translation>此行没有建议：请用数字键给它加标签，或跳过。</translation>
    </message>
    <message>
        <source>No label has the key {0}.</source>
        <translation>没有标签使用按键 {0}。</translation>
    </message>
    <message>
        <source>Undone.</source>
        <translation>已撤销。</translation>
    </message>
    <message>
        <source>Back one row.</source>
        <translation>已退回一行。</translation>
    </message>
    <message>
        <source>This step&apos;s label was not undone: {0}</source>
        <translation>这一步的标签没有撤销：{0}</translation>
    </message>
</context>
<context>
    <name>RowTableModel</name>
    <message>
        <source>Label</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>分数</translation>
    </message>
    <message>
        <source>Suggested</source>
        <translation>建议</translation>
    </message>
    <message>
        <source>Confidence</source>
        <translation>置信度</translation>
    </message>
    <message>
        <source>{0} (file)</source>
        <translation>{0}（文件）</translation>
    </message>
    <message>
        <source>No label: type one, or press its number key</source>
        <translation>无标签：输入一个，或按它的数字键</translation>
    </message>
    <message>
        <source>{0}

{1}, line {2}</source>
        <translation>{0}

{1}，第 {2} 行</translation>
    </message>
    <message>
        <source>Row {0}: {1}, line {2}</source>
        <translation>第 {0} 行：{1}，第 {2} 行</translation>
    </message>
    <message>
        <source>Search by meaning: the cosine of this row&apos;s sentence vector to the query&apos;s</source>
        <translation>按语义搜索：此行句向量与查询句向量的余弦</translation>
    </message>
    <message>
        <source>The label the suggestions give this unlabelled row, and their confidence in it: Enter accepts it, a number key gives another label</source>
        <translation>建议给这一未标注行的标签及其置信度：回车接受，数字键给出其他标签</translation>
    </message>
</context>
<context>
    <name>Scatter</name>
    <message>
        <source>other ({0} values)</source>
        <translation>其他（{0} 个值）</translation>
    </message>
    <message>
        <source>Showing {0} of {1} points</source>
        <translation>显示 {1} 个点中的 {0} 个</translation>
    </message>
    <message>
        <source>{0} points</source>
        <translation>{0} 个点</translation>
    </message>
    <message>
        <source>; the shading shows the rest (zoom in for all)</source>
        <translation>；其余的点以阴影表示（放大可看到全部）</translation>
    </message>
</context>
<context>
    <name>SegmentPreview</name>
    <message>
        <source>Cutting the line into words</source>
        <translation>正在将该行切分成词</translation>
    </message>
    <message>
        <source>Words ({0}): {1}</source>
        <translation>词（{0}）：{1}</translation>
    </message>
</context>
<context>
    <name>SelectionBox</name>
    <message>
        <source>Selection</source>
        <translation>所选内容</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Write the selected vectors with their metadata and manifest</source>
        <translation>写出所选向量及其元数据和清单</translation>
    </message>
    <message>
        <source>Label…</source>
        <translation>标注…</translation>
    </message>
    <message>
        <source>Write a label for the selected rows into the &apos;label&apos; metadata column</source>
        <translation>将所选行的标签写入“label”元数据列</translation>
    </message>
    <message>
        <source>Show text</source>
        <translation>显示文本</translation>
    </message>
    <message>
        <source>Show the first selected point&apos;s text in the Tokens &amp; words view</source>
        <translation>在“词元与词”视图中显示第一个所选点的文本</translation>
    </message>
    <message>
        <source>Nothing selected: click a point, or use Lasso or Rectangle.</source>
        <translation>未选择任何内容：点击一个点，或使用“套索”或“矩形”。</translation>
    </message>
    <message>
        <source>{0} point selected</source>
        <translation>已选择 {0} 个点</translation>
    </message>
    <message>
        <source>{0} points selected</source>
        <translation>已选择 {0} 个点</translation>
    </message>
</context>
<context>
    <name>SentenceTableModel</name>
    <message>
        <source>id</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>norm</source>
        <translation>范数</translation>
    </message>
</context>
<context>
    <name>SentenceView</name>
    <message>
        <source>Embed some texts: their cosine similarity matrix appears here.</source>
        <translation>请先嵌入一些文本：它们的余弦相似度矩阵将显示在这里。</translation>
    </message>
    <message>
        <source>cosine</source>
        <translation>余弦</translation>
    </message>
    <message>
        <source>text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>Most similar texts</source>
        <translation>最相似的文本</translation>
    </message>
    <message>
        <source>id</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Double-click a text to select it.</source>
        <translation>双击一条文本即可选中它。</translation>
    </message>
    <message>
        <source>No sentence vectors yet: embed some texts.</source>
        <translation>还没有句子向量：请先嵌入一些文本。</translation>
    </message>
    <message>
        <source>{0} texts</source>
        <translation>{0} 条文本</translation>
    </message>
    <message>
        <source>{0} dimensions</source>
        <translation>{0} 维</translation>
    </message>
    <message>
        <source>{0} pooling</source>
        <translation>{0} 池化</translation>
    </message>
    <message>
        <source>normalised</source>
        <translation>已归一化</translation>
    </message>
    <message>
        <source> — select a text for its nearest neighbours; click a heatmap row to select it.</source>
        <translation> — 选中一条文本可查看其最近邻；点击热力图的一行即可选中。</translation>
    </message>
    <message>
        <source>Cosine similarity of the first {0} of {1} texts (the matrix is capped at {0}); the “most similar” list searches all of them.</source>
        <translation>{1} 条文本中前 {0} 条的余弦相似度（矩阵最多 {0} 条）；“最相似”列表会搜索全部文本。</translation>
    </message>
    <message>
        <source>Cosine similarity between the {0} texts.</source>
        <translation>{0} 条文本两两之间的余弦相似度。</translation>
    </message>
    <message>
        <source>Most similar texts: select a text</source>
        <translation>最相似的文本：请选择一条文本</translation>
    </message>
    <message>
        <source>Most similar to #{0}: {1}</source>
        <translation>与 #{0} 最相似：{1}</translation>
    </message>
</context>
<context>
    <name>SideControls</name>
    <message>
        <source>model layer</source>
        <translation>模型层</translation>
    </message>
    <message>
        <source>static file</source>
        <translation>静态文件</translation>
    </message>
    <message>
        <source>Word vectors (*.txt *.vec *.bin *.w2v *.glove);;All files (*)</source>
        <translation>词向量 (*.txt *.vec *.bin *.w2v *.glove);;所有文件 (*)</translation>
    </message>
    <message>
        <source>layer 0 (embeddings)</source>
        <translation>第 0 层（嵌入层）</translation>
    </message>
    <message>
        <source>layer {0}</source>
        <translation>第 {0} 层</translation>
    </message>
    <message>
        <source>last layer ({0})</source>
        <translation>最后一层（{0}）</translation>
    </message>
    <message>
        <source>mean of last {0}</source>
        <translation>最后 {0} 层平均</translation>
    </message>
    <message>
        <source>What gives side {0}&apos;s vectors: a layer (or mean of layers) of a model, or a static word-vector file (word2vec, GloVe or fastText .vec; whole words only).</source>
        <translation>{0} 侧向量的来源：模型的某一层（或若干层的平均），或静态词向量文件（word2vec、GloVe 或 fastText .vec；仅限完整的词）。</translation>
    </message>
    <message>
        <source>Which layer (or mean of layers) gives side {0}&apos;s vectors.</source>
        <translation>{0} 侧向量取自哪一层（或哪几层的平均）。</translation>
    </message>
    <message>
        <source>of</source>
        <translation>属于</translation>
    </message>
    <message>
        <source>the current model</source>
        <translation>当前模型</translation>
    </message>
    <message>
        <source>Leave empty for the current model, or choose another local checkpoint folder for side {0} (e.g. the base model and its fine-tuned checkpoint).</source>
        <translation>留空则使用当前模型，也可以为 {0} 侧选择另一个本地检查点文件夹（例如基础模型及其微调后的检查点）。</translation>
    </message>
    <message>
        <source>a word2vec, GloVe or fastText .vec file</source>
        <translation>word2vec、GloVe 或 fastText .vec 文件</translation>
    </message>
    <message>
        <source>The static word-vector file for side {0}: word2vec (binary or text), GloVe (text) or fastText .vec. Each word of the texts gets its vector; words it lacks are left out of both sides.</source>
        <translation>{0} 侧的静态词向量文件：word2vec（二进制或文本）、GloVe（文本）或 fastText .vec。文本中的每个词取其向量；文件中没有的词在两侧都被排除。</translation>
    </message>
    <message>
        <source>first</source>
        <translation>前</translation>
    </message>
    <message>
        <source>all words</source>
        <translation>全部词</translation>
    </message>
    <message>
        <source> words</source>
        <translation> 个词</translation>
    </message>
    <message>
        <source>Read only the first (most frequent) words of a big file: quicker, and less memory. 0: all words.</source>
        <translation>只读取大文件中靠前（最常用）的词：更快，占用内存更少。0：读取全部词。</translation>
    </message>
    <message>
        <source>Choose a static word-vector file</source>
        <translation>选择静态词向量文件</translation>
    </message>
    <message>
        <source>Choose a checkpoint folder</source>
        <translation>选择检查点文件夹</translation>
    </message>
    <message>
        <source>Choose a static word-vector file for side {0}</source>
        <translation>为 {0} 侧选择静态词向量文件</translation>
    </message>
</context>
<context>
    <name>StatusArea</name>
    <message>
        <source>~{0} left</source>
        <translation>剩余约 {0}</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop the running job (Esc)</source>
        <translation>停止正在运行的任务（Esc）</translation>
    </message>
</context>
<context>
    <name>Suggestions</name>
    <message>
        <source>Suggestions: none yet (Suggest now, or label a few rows of two labels)</source>
        <translation>建议：暂无（点“立即建议”，或给两个标签各标几行）</translation>
    </message>
    <message>
        <source>Open a workspace first.</source>
        <translation>请先打开一个工作区。</translation>
    </message>
    <message>
        <source>Suggestions need a model: wait for it to load, or choose one on the left.</source>
        <translation>建议需要模型：请等待模型载入，或在左侧选择一个。</translation>
    </message>
    <message>
        <source>Choose the vector options first.</source>
        <translation>请先选择向量选项。</translation>
    </message>
    <message>
        <source>Suggestions: {0}</source>
        <translation>建议：{0}</translation>
    </message>
    <message>
        <source>{0} row</source>
        <translation>{0} 行</translation>
    </message>
    <message>
        <source>{0} rows</source>
        <translation>{0} 行</translation>
    </message>
    <message>
        <source>Suggestions: retraining…</source>
        <translation>建议：正在重新训练…</translation>
    </message>
    <message>
        <source>Suggestions: computing the sentence vectors of {0} (once)…</source>
        <translation>建议：正在计算 {0} 的句子向量（只需一次）…</translation>
    </message>
    <message>
        <source>Retraining the suggestions</source>
        <translation>正在重新训练建议模型</translation>
    </message>
    <message>
        <source>Computing the sentence vectors</source>
        <translation>正在计算句子向量</translation>
    </message>
    <message>
        <source>Suggestions: cancelled (Suggest now starts again)</source>
        <translation>建议：已取消（点“立即建议”重新开始）</translation>
    </message>
    <message>
        <source>Suggestions: {0} ({1} so far)</source>
        <translation>建议：{0}（目前已完成 {1}）</translation>
    </message>
    <message>
        <source>{0} labelled row</source>
        <translation>{0} 个已标注行</translation>
    </message>
    <message>
        <source>{0} labelled rows</source>
        <translation>{0} 个已标注行</translation>
    </message>
    <message>
        <source>Suggestions: the trained model {0} suggests {1} unlabelled rows (kept until Suggest now retrains the fast model)</source>
        <translation>建议：训练好的模型 {0} 为 {1} 个未标注行给出建议（保留到“立即建议”重新训练快速模型为止）</translation>
    </message>
    <message>
        <source>Suggestions: a model of {0} suggests {1} unlabelled rows (retrained in {2} s)</source>
        <translation>建议：基于 {0} 的模型为 {1} 个未标注行给出建议（重新训练用时 {2} 秒）</translation>
    </message>
    <message>
        <source>The suggestions could not start.</source>
        <translation>建议无法启动。</translation>
    </message>
    <message>
        <source>Ranking the {0} queue</source>
        <translation>正在排出“{0}”队列</translation>
    </message>
    <message>
        <source>There is no label “{0}” any more.</source>
        <translation>标签“{0}”已不存在。</translation>
    </message>
    <message>
        <source>Rows like “{0}”</source>
        <translation>类似“{0}”的行</translation>
    </message>
    <message>
        <source>No rows are shown: search or filter to choose the rows to label.</source>
        <translation>没有显示任何行：请用搜索或筛选选出要标注的行。</translation>
    </message>
    <message>
        <source>Give the {0} shown the label “{1}”? {2} of them have another label now and will change. Ctrl+Z in the Data view undoes it.</source>
        <translation>给显示的 {0} 加上标签“{1}”？其中 {2} 行目前有其他标签，将被更改。在“数据”视图中按 Ctrl+Z 可撤销。</translation>
    </message>
    <message>
        <source>Give the {0} shown the label “{1}”? Ctrl+Z in the Data view undoes it.</source>
        <translation>给显示的 {0} 加上标签“{1}”？在“数据”视图中按 Ctrl+Z 可撤销。</translation>
    </message>
    <message>
        <source>Label the rows shown</source>
        <translation>标注所显示的行</translation>
    </message>
    <message>
        <source>Labelled {0} “{1}” (Ctrl+Z undoes it).</source>
        <translation>已将 {0} 标为“{1}”（Ctrl+Z 可撤销）。</translation>
    </message>
    <message>
        <source>Suggestions: predicting every row with {0}…</source>
        <translation>建议：正在用 {0} 预测每一行…</translation>
    </message>
    <message>
        <source>Suggestions from the trained model</source>
        <translation>来自训练好的模型的建议</translation>
    </message>
    <message>
        <source>Open a workspace first: the trained model&apos;s predictions become its suggestions</source>
        <translation>请先打开一个工作区：训练后模型的预测将成为它的建议</translation>
    </message>
    <message>
        <source>Predicting every row of {0} with {1}: the suggestions appear in the Data view</source>
        <translation>正在用 {1} 预测 {0} 的每一行：建议将显示在“数据”视图中</translation>
    </message>
</context>
<context>
    <name>TextPanel</name>
    <message>
        <source>Texts (*.txt *.csv *.tsv *.jsonl);;All files (*)</source>
        <translation>文本 (*.txt *.csv *.tsv *.jsonl);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Texts</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>Open file…</source>
        <translation>打开文件…</translation>
    </message>
    <message>
        <source>Open .txt, .csv, .tsv or .jsonl (Ctrl+O); or drop files here</source>
        <translation>打开 .txt、.csv、.tsv 或 .jsonl（Ctrl+O）；也可把文件拖到这里</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清空</translation>
    </message>
    <message>
        <source>Paste or type texts here, one per line…</source>
        <translation>在此粘贴或输入文本，每行一条…</translation>
    </message>
    <message>
        <source>… and {0} more: too many to edit here (press Clear to start over)</source>
        <translation>… 还有 {0} 条：太多，无法在此编辑（点“清空”重新开始）</translation>
    </message>
    <message>
        <source>pasted text</source>
        <translation>粘贴的文本</translation>
    </message>
    <message>
        <source>{0} (blank ones skipped){1}</source>
        <translation>{0}（已跳过空行）{1}</translation>
    </message>
    <message>
        <source>{0} line</source>
        <translation>{0} 行</translation>
    </message>
    <message>
        <source>{0} lines</source>
        <translation>{0} 行</translation>
    </message>
    <message>
        <source>{0} text</source>
        <translation>{0} 条文本</translation>
    </message>
    <message>
        <source>{0} texts</source>
        <translation>{0} 条文本</translation>
    </message>
    <message>
        <source>{0} (the first {1} shown){2}</source>
        <translation>{0}（显示前 {1} 条）{2}</translation>
    </message>
    <message>
        <source>Open texts</source>
        <translation>打开文本</translation>
    </message>
    <message>
        <source>Reading {0}…</source>
        <translation>正在读取 {0}…</translation>
    </message>
    <message>
        <source>Reading {0}</source>
        <translation>正在读取 {0}</translation>
    </message>
    <message>
        <source>{0}: that column has no texts; choose another column.</source>
        <translation>{0}：该列中没有文本；请选择另一列。</translation>
    </message>
</context>
<context>
    <name>TokenTree</name>
    <message>
        <source>piece</source>
        <translation>词元</translation>
    </message>
    <message>
        <source>id</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>chars</source>
        <translation>字符</translation>
    </message>
    <message>
        <source>norm</source>
        <translation>范数</translation>
    </message>
    <message>
        <source>The piece as the text it stands for (the stored piece in its tooltip); words hold their pieces</source>
        <translation>词元对应的原文（提示中为存储的词元）；词下面包含它的各个词元</translation>
    </message>
    <message>
        <source>Token id in the model&apos;s vocabulary</source>
        <translation>词元在模型词表中的 ID</translation>
    </message>
    <message>
        <source>Character span in the text (start–end)</source>
        <translation>在文本中的字符范围（起–止）</translation>
    </message>
    <message>
        <source>Vector norm</source>
        <translation>向量范数</translation>
    </message>
</context>
<context>
    <name>TokenView</name>
    <message>
        <source>No text selected: embed some text and pick one in the sentence list.</source>
        <translation>未选择文本：请先嵌入文本，再在句子列表中选一条。</translation>
    </message>
    <message>
        <source>Embed some texts: the vectors of the selected text&apos;s pieces appear here.</source>
        <translation>请先嵌入一些文本：所选文本各词元的向量将显示在这里。</translation>
    </message>
    <message>
        <source>Embed some texts: the cosine similarity of the selected text&apos;s words appears here.</source>
        <translation>请先嵌入一些文本：所选文本中各词的余弦相似度将显示在这里。</translation>
    </message>
    <message>
        <source>This text has no words to compare.</source>
        <translation>这段文本没有可比较的词。</translation>
    </message>
    <message>
        <source>Vectors</source>
        <translation>向量</translation>
    </message>
    <message>
        <source>cosine</source>
        <translation>余弦</translation>
    </message>
    <message>
        <source>word</source>
        <translation>词</translation>
    </message>
    <message>
        <source>Word similarity</source>
        <translation>词相似度</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>层</translation>
    </message>
    <message>
        <source>pieces</source>
        <translation>词元</translation>
    </message>
    <message>
        <source>whole words</source>
        <translation>完整的词</translation>
    </message>
    <message>
        <source>Rows:</source>
        <translation>行：</translation>
    </message>
    <message>
        <source>value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>piece</source>
        <translation>词元</translation>
    </message>
    <message>
        <source>dimension</source>
        <translation>维度</translation>
    </message>
    <message>
        <source>Show layers of the selected piece</source>
        <translation>显示所选词元的各层</translation>
    </message>
    <message>
        <source>Run the model once more with every layer&apos;s output for this text (or double-click a piece).</source>
        <translation>对这段文本再运行一次模型，取出每一层的输出（或双击某个词元）。</translation>
    </message>
    <message>
        <source>Computing the layers of “{0}”…</source>
        <translation>正在计算“{0}”的各层…</translation>
    </message>
    <message>
        <source>layers {0}</source>
        <translation>第 {0} 层</translation>
    </message>
    <message>
        <source>layer {0}</source>
        <translation>第 {0} 层</translation>
    </message>
    <message>
        <source>word pooling: {0}</source>
        <translation>词池化：{0}</translation>
    </message>
    <message>
        <source>{0} pieces in {1} words</source>
        <translation>{0} 个词元，{1} 个词</translation>
    </message>
    <message>
        <source> ({0} unknown)</source>
        <translation>（{0} 个未知）</translation>
    </message>
    <message>
        <source>Text {0}</source>
        <translation>文本 {0}</translation>
    </message>
    <message>
        <source>{0} dimensions</source>
        <translation>{0} 维</translation>
    </message>
    <message>
        <source> — hover or select a piece to see it in the text; double-click for its layers.</source>
        <translation> — 悬停或选中词元可在文本中看到它；双击查看它的各层。</translation>
    </message>
</context>
<context>
    <name>TrainingPanel</name>
    <message>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Start a new run with these settings (Ctrl+Return in this tab).</source>
        <translation>用这些设置开始新的训练（在此页按 Ctrl+Return）。</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop the run; the output folder keeps the last saved checkpoint, and Resume continues from it.</source>
        <translation>停止训练；输出文件夹保留最后保存的检查点，“继续”可从那里接着训练。</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Continue the unfinished run in the output folder from its last saved step, with its saved settings.</source>
        <translation>从输出文件夹中未完成的训练最后保存的步骤接着训练，使用其保存的设置。</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <source>Report</source>
        <translation>报告</translation>
    </message>
    <message>
        <source>Before / after</source>
        <translation>训练前 / 训练后</translation>
    </message>
    <message>
        <source>Reading {0}…</source>
        <translation>正在读取 {0}…</translation>
    </message>
    <message>
        <source>Reading {0}</source>
        <translation>正在读取 {0}</translation>
    </message>
    <message>
        <source>{0}: cannot create the output&apos;s folder ({1}); choose another output folder.</source>
        <translation>{0}：无法创建输出的文件夹（{1}）；请选择另一个输出文件夹。</translation>
    </message>
    <message>
        <source>{0} holds an unfinished run. Start again from scratch and replace it? (Resume continues it instead.)</source>
        <translation>{0} 中有一次未完成的训练。要从头开始并替换它吗？（“继续”则会接着训练。）</translation>
    </message>
    <message>
        <source>{0} already exists. Replace it with this run?</source>
        <translation>{0} 已存在。要用这次训练替换它吗？</translation>
    </message>
    <message>
        <source>Cancelling: saving the current step…</source>
        <translation>正在取消：正在保存当前步骤…</translation>
    </message>
    <message>
        <source>Choose a labelled file first.</source>
        <translation>请先选择一个带标签的文件。</translation>
    </message>
    <message>
        <source>The file has not been read yet (or could not be); see the message above.</source>
        <translation>文件尚未读取（或无法读取）；请查看上方的消息。</translation>
    </message>
    <message>
        <source>Choose an output folder.</source>
        <translation>请选择一个输出文件夹。</translation>
    </message>
    <message>
        <source>Replace the output folder?</source>
        <translation>替换输出文件夹？</translation>
    </message>
    <message>
        <source>Resuming {0} of {1} on {2} → {3}</source>
        <translation>继续 {0}：模型 {1}，数据 {2} → {3}</translation>
    </message>
    <message>
        <source>Starting {0} of {1} on {2} → {3}</source>
        <translation>开始 {0}：模型 {1}，数据 {2} → {3}</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>{0} step</source>
        <translation>{0} 步</translation>
    </message>
    <message>
        <source>{0} steps</source>
        <translation>{0} 步</translation>
    </message>
    <message>
        <source>The run stopped with an error.</source>
        <translation>训练因出错而停止。</translation>
    </message>
    <message>
        <source>Error: {0}</source>
        <translation>错误：{0}</translation>
    </message>
    <message>
        <source>Training: {0}</source>
        <translation>训练：{0}</translation>
    </message>
    <message>
        <source>Cancelled. Resume continues from the last saved step.</source>
        <translation>已取消。“继续”可从最后保存的步骤接着训练。</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <source>Cancelled at step {0}; the last saved checkpoint is in {1} — Resume continues from it.</source>
        <translation>已在第 {0} 步取消；最后保存的检查点在 {1} 中，“继续”可从那里接着训练。</translation>
    </message>
    <message>
        <source>Reviewing: predicting the validation texts and embedding them with the base and the trained model…</source>
        <translation>正在复核：预测验证文本，并用基础模型和训练后的模型分别嵌入它们…</translation>
    </message>
    <message>
        <source>Reviewing the run</source>
        <translation>正在复核训练结果</translation>
    </message>
    <message>
        <source>Review ready: {0} of {1} misclassified.</source>
        <translation>复核完成：{1}中有 {0} 条被分错。</translation>
    </message>
    <message>
        <source>{0} validation text</source>
        <translation>{0} 条验证文本</translation>
    </message>
    <message>
        <source>{0} validation texts</source>
        <translation>{0} 条验证文本</translation>
    </message>
    <message>
        <source>The review failed: {0}</source>
        <translation>复核失败：{0}</translation>
    </message>
    <message>
        <source>A run is going.</source>
        <translation>正在训练。</translation>
    </message>
</context>
<context>
    <name>TrainingReport</name>
    <message>
        <source>The report appears when a run ends.</source>
        <translation>训练结束后将在此显示报告。</translation>
    </message>
    <message>
        <source>Use this model in the workbench</source>
        <translation>在工作台中使用此模型</translation>
    </message>
    <message>
        <source>Load the fine-tuned checkpoint as the workbench&apos;s model: its token, word and sentence vectors.</source>
        <translation>将微调后的检查点载入为工作台的模型：查看它的词元、词和句子向量。</translation>
    </message>
    <message>
        <source>A linear probe leaves the encoder unchanged, so the workbench would show the base model&apos;s vectors; fine-tune to get a model of its own.</source>
        <translation>线性探针不改变编码器，工作台显示的仍是基础模型的向量；要得到自己的模型，请进行微调。</translation>
    </message>
    <message>
        <source>class</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>precision</source>
        <translation>精确率</translation>
    </message>
    <message>
        <source>recall</source>
        <translation>召回率</translation>
    </message>
    <message>
        <source>F1</source>
        <translation>F1</translation>
    </message>
    <message>
        <source>support</source>
        <translation>样本数</translation>
    </message>
    <message>
        <source>count</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>true</source>
        <translation>真实</translation>
    </message>
    <message>
        <source>predicted</source>
        <translation>预测</translation>
    </message>
    <message>
        <source>confidence</source>
        <translation>置信度</translation>
    </message>
    <message>
        <source>Misclassified validation texts</source>
        <translation>分类错误的验证文本</translation>
    </message>
    <message>
        <source> (kept: step {0})</source>
        <translation>（保留：第 {0} 步）</translation>
    </message>
    <message>
        <source>{0}{1} · validation accuracy {2} · macro-F1 {3} · loss {4} · {5} rows · {6} s
{7}</source>
        <translation>{0}{1} · 验证准确率 {2} · 宏 F1 {3} · 损失 {4} · {5} 行 · {6} 秒
{7}</translation>
    </message>
    <message>
        <source>macro average</source>
        <translation>宏平均</translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>true class</source>
        <translation>真实类别</translation>
    </message>
    <message>
        <source>predicted class</source>
        <translation>预测类别</translation>
    </message>
    <message>
        <source>Misclassified validation texts: {0} of {1}</source>
        <translation>分类错误的验证文本：{1} 条中有 {0} 条</translation>
    </message>
    <message>
        <source> (the {0} most confident shown)</source>
        <translation>（显示置信度最高的 {0} 条）</translation>
    </message>
    <message>
        <source> · most confident first</source>
        <translation> · 置信度高者在前</translation>
    </message>
    <message>
        <source>Suggest labels with this model</source>
        <translation>用此模型建议标签</translation>
    </message>
    <message>
        <source>Predict every row of the open workspace with this classifier: its predictions become the suggestions of the Data view, the map and the review (until Suggest now)</source>
        <translation>用此分类器预测已打开工作区的每一行：其预测将成为“数据”视图、地图和复核中的建议（直到点“立即建议”）</translation>
    </message>
</context>
<context>
    <name>TrainingSetup</name>
    <message>
        <source>Labelled tables (*.csv *.tsv *.txt);;All files (*)</source>
        <translation>带标签的表格 (*.csv *.tsv *.txt);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Fine-tune the whole model</source>
        <translation>微调整个模型</translation>
    </message>
    <message>
        <source>Linear probe (frozen encoder)</source>
        <translation>线性探针（冻结编码器）</translation>
    </message>
    <message>
        <source>Labelled data</source>
        <translation>带标签的数据</translation>
    </message>
    <message>
        <source>a CSV/TSV file with a text column and a label column</source>
        <translation>一个包含文本列和标签列的 CSV/TSV 文件</translation>
    </message>
    <message>
        <source>Open…</source>
        <translation>打开…</translation>
    </message>
    <message>
        <source>Choose a labelled CSV or TSV file (one text and one label per row).</source>
        <translation>选择一个带标签的 CSV 或 TSV 文件（每行一条文本和一个标签）。</translation>
    </message>
    <message>
        <source>Sample</source>
        <translation>示例</translation>
    </message>
    <message>
        <source>Open the sample labelled file shipped with the app (280 short reviews, positive/negative).</source>
        <translation>打开应用自带的带标签示例文件（280 条简短评论，正面/负面）。</translation>
    </message>
    <message>
        <source>Workspace labels</source>
        <translation>工作区标签</translation>
    </message>
    <message>
        <source>Train on the labelled rows of the open workspace (written as text,label to its data folder)</source>
        <translation>用已打开工作区中已标注的行训练（以 text,label 写入其数据文件夹）</translation>
    </message>
    <message>
        <source>The first {0} rows of the file as they will be read.</source>
        <translation>文件的前 {0} 行，按将被读取的样子显示。</translation>
    </message>
    <message>
        <source>The column with the texts to classify (guessed from names like &apos;text&apos;, &apos;sentence&apos;, &apos;review&apos;).</source>
        <translation>包含待分类文本的列（根据 &apos;text&apos;、&apos;sentence&apos;、&apos;review&apos; 等列名猜测）。</translation>
    </message>
    <message>
        <source>The column with the labels: any strings; each distinct value is a class.</source>
        <translation>包含标签的列：任意字符串；每个不同的值是一个类别。</translation>
    </message>
    <message>
        <source>Text column</source>
        <translation>文本列</translation>
    </message>
    <message>
        <source>Label column</source>
        <translation>标签列</translation>
    </message>
    <message>
        <source>Field separator; &apos;auto&apos; sniffs it (a .tsv file is tab-separated).</source>
        <translation>字段分隔符；&apos;auto&apos; 会自动探测（.tsv 文件以制表符分隔）。</translation>
    </message>
    <message>
        <source>Text encoding; &apos;auto&apos; reads UTF-8 (with or without BOM) and detects others, with a warning.</source>
        <translation>文本编码；&apos;auto&apos; 读取 UTF-8（带或不带 BOM），并识别其他编码，同时给出提示。</translation>
    </message>
    <message>
        <source>Quoted fields</source>
        <translation>字段带引号</translation>
    </message>
    <message>
        <source>Untick for files whose texts contain bare &quot; characters and are not quoted (--no-quoting).</source>
        <translation>文件中的文本含有裸露的 &quot; 字符且字段未加引号时，取消勾选（--no-quoting）。</translation>
    </message>
    <message>
        <source>Reading</source>
        <translation>读取</translation>
    </message>
    <message>
        <source>or a separate validation file</source>
        <translation>或单独的验证文件</translation>
    </message>
    <message>
        <source>A validation file with the same columns; when given, the split share is not used (--val-csv).</source>
        <translation>一个列相同的验证文件；给出时不再按比例划分（--val-csv）。</translation>
    </message>
    <message>
        <source>Choose a validation file</source>
        <translation>选择验证文件</translation>
    </message>
    <message>
        <source>Validation</source>
        <translation>验证</translation>
    </message>
    <message>
        <source>Model and settings</source>
        <translation>模型与设置</translation>
    </message>
    <message>
        <source>Choose a checkpoint folder</source>
        <translation>选择检查点文件夹</translation>
    </message>
    <message>
        <source>More</source>
        <translation>更多</translation>
    </message>
    <message>
        <source>Output folder</source>
        <translation>输出文件夹</translation>
    </message>
    <message>
        <source>Where the model, loss.csv, metrics.json and params.json go. It is written atomically at every evaluation; a cancelled run can be resumed from it.</source>
        <translation>模型、loss.csv、metrics.json 和 params.json 的存放位置。每次评估时以原子方式写入；取消的训练可从这里继续。</translation>
    </message>
    <message>
        <source>Choose the output folder</source>
        <translation>选择输出文件夹</translation>
    </message>
    <message>
        <source>Open a labelled file</source>
        <translation>打开带标签的文件</translation>
    </message>
    <message>
        <source>Open a validation file</source>
        <translation>打开验证文件</translation>
    </message>
    <message>
        <source>Choose the base checkpoint folder</source>
        <translation>选择基础检查点文件夹</translation>
    </message>
    <message>
        <source>{0} of {1}, written to {2}</source>
        <translation>{1} 的 {0}，已写入 {2}</translation>
    </message>
    <message>
        <source>{0} labelled row</source>
        <translation>{0} 个已标注行</translation>
    </message>
    <message>
        <source>{0} labelled rows</source>
        <translation>{0} 个已标注行</translation>
    </message>
    <message>
        <source>tab-separated</source>
        <translation>制表符分隔</translation>
    </message>
    <message>
        <source>comma-separated</source>
        <translation>逗号分隔</translation>
    </message>
    <message>
        <source>semicolon-separated</source>
        <translation>分号分隔</translation>
    </message>
    <message>
        <source>pipe-separated</source>
        <translation>竖线分隔</translation>
    </message>
    <message>
        <source>{0}-separated</source>
        <translation>以 {0} 分隔</translation>
    </message>
    <message>
        <source>{0} rows · {1} · {2}</source>
        <translation>{0} 行 · {1} · {2}</translation>
    </message>
    <message>
        <source> · {0} empty row(s) skipped</source>
        <translation> · 跳过了 {0} 个空行</translation>
    </message>
    <message>
        <source>{0}, {1} training + {2}{3}
per class (train + validation): {4}</source>
        <translation>{0}，{1} 条训练 + {2}{3}
各类别（训练 + 验证）：{4}</translation>
    </message>
    <message>
        <source>{0} class</source>
        <translation>{0} 个类别</translation>
    </message>
    <message>
        <source>{0} classes</source>
        <translation>{0} 个类别</translation>
    </message>
    <message>
        <source>{0} validation row</source>
        <translation>{0} 条验证</translation>
    </message>
    <message>
        <source>{0} validation rows</source>
        <translation>{0} 条验证</translation>
    </message>
</context>
<context>
    <name>VectorFolders</name>
    <message>
        <source>Open a folder of vectors</source>
        <translation>打开向量文件夹</translation>
    </message>
    <message>
        <source>Opening {0}</source>
        <translation>正在打开 {0}</translation>
    </message>
    <message>
        <source>{0}: {1} rows × {2} dims from {3}</source>
        <translation>{0}：{1} 行 × {2} 维，来自 {3}</translation>
    </message>
</context>
<context>
    <name>ViewLabelKeys</name>
    <message>
        <source>No label has the key {0}: make one under Labels in the Data view</source>
        <translation>没有标签使用按键 {0}：请在“数据”视图的“标签”中新建一个</translation>
    </message>
</context>
<context>
    <name>WorkspaceBridge</name>
    <message>
        <source>The map could not be kept in {0} ({1})</source>
        <translation>地图无法保存在 {0}（{1}）</translation>
    </message>
    <message>
        <source>{0} row</source>
        <translation>{0} 行</translation>
    </message>
    <message>
        <source>{0} rows</source>
        <translation>{0} 行</translation>
    </message>
    <message>
        <source>These rows have no text to embed.</source>
        <translation>这些行没有可嵌入的文本。</translation>
    </message>
    <message>
        <source>{0} of {1} in the views</source>
        <translation>{1} 中的 {0} 已显示在视图中</translation>
    </message>
    <message>
        <source>Search by meaning needs a model: wait for it to load, or choose one on the left.</source>
        <translation>按语义搜索需要模型：请等待模型载入，或在左侧选择一个。</translation>
    </message>
    <message>
        <source>Ranking {0} by meaning</source>
        <translation>正在按语义给 {0} 排序</translation>
    </message>
    <message>
        <source>Search by meaning cancelled.</source>
        <translation>按语义搜索已取消。</translation>
    </message>
    <message>
        <source>{0} ranked by meaning to “{1}”</source>
        <translation>已按与“{1}”的语义相似度给 {0} 排序</translation>
    </message>
    <message>
        <source>The map marks {0} of the best {1} by meaning</source>
        <translation>地图标出了语义最接近的 {1} 中的 {0} 行</translation>
    </message>
    <message>
        <source>; {0} are not in the views (select them in the Data view and Send to views)</source>
        <translation>；{0} 行不在视图中（请在“数据”视图中选中它们，再点“发送到视图”）</translation>
    </message>
    <message>
        <source>{0} is read-only: the map&apos;s labels are not kept in it</source>
        <translation>{0} 为只读：地图上的标签不会保存到其中</translation>
    </message>
    <message>
        <source>Labelled {0} “{1}” in {2} (Ctrl+Z in the Data view undoes it)</source>
        <translation>已在 {2} 中将 {0} 标为“{1}”（在“数据”视图中按 Ctrl+Z 可撤销）</translation>
    </message>
</context>
<context>
    <name>WorkspaceSession</name>
    <message>
        <source>Texts and tables (*.csv *.tsv *.jsonl *.txt);;All files (*)</source>
        <translation>文本和表格 (*.csv *.tsv *.jsonl *.txt);;所有文件 (*)</translation>
    </message>
    <message>
        <source>SemVec workspaces (*.semvec)</source>
        <translation>SemVec 工作区 (*.semvec)</translation>
    </message>
    <message>
        <source>{0} row</source>
        <translation>{0} 行</translation>
    </message>
    <message>
        <source>{0} rows</source>
        <translation>{0} 行</translation>
    </message>
    <message>
        <source>{0} pasted row</source>
        <translation>{0} 行粘贴的文本</translation>
    </message>
    <message>
        <source>{0} pasted rows</source>
        <translation>{0} 行粘贴的文本</translation>
    </message>
    <message>
        <source>New workspace from file(s)</source>
        <translation>从文件新建工作区</translation>
    </message>
    <message>
        <source>Making {0}</source>
        <translation>正在创建 {0}</translation>
    </message>
    <message>
        <source>Making {0} was cancelled; no file was left.</source>
        <translation>{0} 的创建已取消；没有留下文件。</translation>
    </message>
    <message>
        <source>Nothing to paste: the clipboard holds no text.</source>
        <translation>没有可粘贴的内容：剪贴板中没有文本。</translation>
    </message>
    <message>
        <source>{0} lines is too many to paste (at most {1}): save them to a file and use File &gt; New workspace from file(s)…</source>
        <translation>{0} 行太多，无法粘贴（最多 {1} 行）：请保存为文件，再用“文件 &gt; 从文件新建工作区…”</translation>
    </message>
    <message>
        <source>{0} is read-only: {1}</source>
        <translation>{0} 为只读：{1}</translation>
    </message>
    <message>
        <source>Added {0} to {1}</source>
        <translation>已将 {0} 添加到 {1}</translation>
    </message>
    <message>
        <source>Save the untitled workspace?</source>
        <translation>保存未命名的工作区？</translation>
    </message>
    <message>
        <source>{0} holds {1} and their labels. Save it as a workspace file?</source>
        <translation>{0} 中有 {1}及其标签。要把它保存为工作区文件吗？</translation>
    </message>
    <message>
        <source>Save the workspace as</source>
        <translation>将工作区另存为</translation>
    </message>
    <message>
        <source>Saved as {0}</source>
        <translation>已另存为 {0}</translation>
    </message>
    <message>
        <source>Made {0}: {1}</source>
        <translation>已创建 {0}：{1}</translation>
    </message>
    <message>
        <source>Open workspace</source>
        <translation>打开工作区</translation>
    </message>
    <message>
        <source>Indexing words</source>
        <translation>正在为词建立索引</translation>
    </message>
    <message>
        <source>Word search is ready ({0} indexed)</source>
        <translation>词搜索已就绪（已索引 {0}）</translation>
    </message>
    <message>
        <source>Save a copy as</source>
        <translation>另存副本</translation>
    </message>
    <message>
        <source>Copying to {0}</source>
        <translation>正在复制到 {0}</translation>
    </message>
    <message>
        <source>Saved a copy as {0}</source>
        <translation>已另存副本为 {0}</translation>
    </message>
    <message>
        <source>Copy cancelled; no file was left.</source>
        <translation>复制已取消；没有留下文件。</translation>
    </message>
    <message>
        <source>{0}: its import did not finish ({1} so far); adding the rest now</source>
        <translation>{0}：上次导入未完成（已导入 {1}）；现在继续添加其余的行</translation>
    </message>
    <message>
        <source>Adding the rows of {0}</source>
        <translation>正在添加 {0} 的行</translation>
    </message>
    <message>
        <source>Adding the rows of {0} was stopped ({1} so far); it goes on when the workspace is opened again</source>
        <translation>添加 {0} 的行已停止（已添加 {1}）；下次打开工作区时会继续</translation>
    </message>
</context>
<context>
    <name>_Map</name>
    <message>
        <source>PC {0}</source>
        <translation>主成分 {0}</translation>
    </message>
</context>
</TS>
