<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
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
</TS>
