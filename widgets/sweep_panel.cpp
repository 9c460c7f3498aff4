// SPDX-License-Identifier: MIT
#include "sweep_panel.h"

#include "common/error.h"
#include "common/progress.h"
#include "compress/method_catalog.h"
#include "eval/csv.h"
#include "eval/dataset.h"
#include "sweep/sweep_manifest.h"
#include "sweep/sweep_merge.h"
#include "sweep/sweep_spec.h"
#include "sweep_job_p.h"
#include "sweep_plot_view.h"
#include "sweep_plots.h"
#include "sweep_records_model.h"

#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QFileDialog>
#include <QFile>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace tokenscope::widgets {

namespace {

QString fromPath(const std::filesystem::path &path)
{
    return QString::fromStdString(path.string());
}

// How much of the sweep that sweep.json describes the records on disk cover (1 without a
// manifest or a readable dataset: what is on disk is then the whole sweep).
double completedShare(const std::optional<SweepManifest> &manifest, std::size_t records)
{
    if (!manifest || manifest->dataset.empty())
        return 1.0;
    try {
        SweepSpec spec;
        spec.dataset = manifest->dataset;
        spec.methods = manifest->methods;
        spec.budgets = manifest->budgets;
        std::size_t samples = loadDataset(manifest->dataset).samples.size();
        if (manifest->limit > 0)
            samples = std::min(samples, std::size_t(manifest->limit));
        const std::size_t total = samples * sweepSettings(spec).size();
        return total ? std::min(1.0, double(records) / double(total)) : 1.0;
    } catch (const std::exception &) {
        return 1.0;
    }
}

} // namespace

SweepPanel::SweepPanel(QWidget *parent)
    : QWidget(parent), m_job(new SweepJob(this)), m_dataset(new QLineEdit(this)), m_methods(new QListWidget(this)),
      m_budgets(new QLineEdit(QStringLiteral("1,0.5,0.3,0.1"), this)), m_limit(new QSpinBox(this)),
      m_outDir(new QLineEdit(this)), m_run(new QPushButton(tr("Run Sweep"), this)),
      m_cancel(new QPushButton(tr("Cancel"), this)), m_progress(new QProgressBar(this)), m_status(new QLabel(this)),
      m_figures(new QTabWidget(this)), m_records(new SweepRecordsModel(this)), m_proxy(new SweepSamplesProxy(this)),
      m_table(new QTableView(this)), m_filter(new QLineEdit(this)), m_samplesTitle(new QLabel(this))
{
    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(buildSetup());
    splitter->addWidget(buildResults());
    splitter->setStretchFactor(1, 1);
    splitter->setChildrenCollapsible(false);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

    connect(m_job, &SweepJob::progressed, this, &SweepPanel::onProgress);
    connect(m_job, &SweepJob::recordsAdded, this, &SweepPanel::onRecords);
    connect(m_job, &SweepJob::summaryUpdated, this, &SweepPanel::onSummary);
    connect(m_job, &SweepJob::finished, this, [this](const QString &file, int ran, int resumed) {
        onEnded(tr("Finished: %1 cells run, %2 resumed \u2192 %3").arg(ran).arg(resumed).arg(QDir::toNativeSeparators(file)),
                true);
        Q_EMIT sweepFinished();
    });
    connect(m_job, &SweepJob::cancelled, this, [this] {
        onEnded(tr("Cancelled. The cells finished so far are kept; Run Sweep again resumes."), false);
    });
    connect(m_job, &SweepJob::failed, this, [this](const QString &message) {
        onEnded(tr("Failed: %1").arg(message), false);
        Q_EMIT errorReported(message);
    });
    updateButtons();
}

SweepPanel::~SweepPanel() = default;

QWidget *SweepPanel::buildSetup()
{
    auto *box = new QGroupBox(tr("Sweep"), this);
    auto *form = new QFormLayout(box);

    // A path field with a browse button beside it.
    auto pathRow = [this, box](QLineEdit *field, const QString &placeholder, const QString &browseTip, auto choose) {
        auto *row = new QHBoxLayout;
        field->setPlaceholderText(placeholder);
        auto *browse = new QPushButton(tr("\u2026"), box);
        browse->setToolTip(browseTip);
        connect(browse, &QPushButton::clicked, this, choose);
        row->addWidget(field, 1);
        row->addWidget(browse);
        return row;
    };
    form->addRow(tr("Dataset:"), pathRow(m_dataset, tr("dataset.jsonl (docs/dataset-format.md)"),
                                         tr("Choose a dataset file"), &SweepPanel::chooseDataset));

    for (const std::string &method : methodNames()) {
        const QString name = QString::fromStdString(method);
        auto *item = new QListWidgetItem(name, m_methods);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        const MethodInfo *info = findMethod(method);   // compositions (vir+…) start unticked
        item->setCheckState(info && info->sweptByDefault ? Qt::Checked : Qt::Unchecked);
    }
    m_methods->setMinimumHeight(160);
    form->addRow(tr("Methods:"), m_methods);

    m_budgets->setToolTip(tr("Comma-separated budgets in (0, 1]; full tokens (none at 1) is always included"));
    form->addRow(tr("Budgets:"), m_budgets);
    m_limit->setRange(0, 1000000);
    m_limit->setSpecialValueText(tr("all samples"));
    form->addRow(tr("Samples:"), m_limit);

    form->addRow(tr("Output:"), pathRow(m_outDir, tr("output folder (resumed if it holds this sweep)"),
                                        tr("Choose the output folder"), &SweepPanel::chooseOutputFolder));

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_run);
    buttons->addWidget(m_cancel);
    form->addRow(buttons);
    connect(m_run, &QPushButton::clicked, this, &SweepPanel::run);
    connect(m_cancel, &QPushButton::clicked, this, &SweepPanel::cancel);

    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    form->addRow(m_progress);
    m_status->setObjectName(QStringLiteral("sweepStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // Room for five lines from the start: a growing status never moves the buttons.
    m_status->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_status->setMinimumHeight(5 * m_status->fontMetrics().lineSpacing());
    form->addRow(m_status);

    auto *exports = new QHBoxLayout;
    auto *figures = new QPushButton(tr("Export Figures\u2026"), box);
    auto *summary = new QPushButton(tr("Export Summary\u2026"), box);
    auto *copy = new QPushButton(tr("Copy Summary"), box);
    auto *samples = new QPushButton(tr("Export Samples CSV\u2026"), box);
    m_exportButtons = {figures, summary, copy, samples};
    connect(samples, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export Samples"), QStringLiteral("samples.csv"),
                                                          tr("CSV files (*.csv)"));
        if (!path.isEmpty())
            exportSamplesCsv(path);
    });
    connect(figures, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Export Figures To"));
        if (!dir.isEmpty())
            exportFigures(dir);
    });
    connect(summary, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Export Summary To"));
        if (!dir.isEmpty())
            exportSummary(dir);
    });
    connect(copy, &QPushButton::clicked, this, &SweepPanel::copySummary);
    exports->addWidget(figures);
    exports->addWidget(summary);
    exports->addWidget(copy);
    form->addRow(exports);
    form->addRow(samples);
    box->setMinimumWidth(340);
    return box;
}

QWidget *SweepPanel::buildResults()
{
    auto *panel = new QSplitter(Qt::Vertical, this);
    const std::vector<std::pair<SweepFigure, QString>> figures{
        {SweepFigure::ScoreVsKept, tr("Score vs kept tokens")},
        {SweepFigure::PrefillVsBudget, tr("Prefill vs budget")},
        {SweepFigure::Pareto, tr("Quality\u2013latency")}};
    for (const auto &[figure, title] : figures) {
        auto *view = new SweepPlotView(figure, m_figures);
        connect(view, &SweepPlotView::pointClicked, this, [this](const SummaryRow &row) {
            showSamplesOf(QString::fromStdString(row.method), row.budget);
        });
        m_views.push_back(view);
        m_figures->addTab(view, title);
    }
    panel->addWidget(m_figures);

    auto *samples = new QWidget(panel);
    auto *layout = new QVBoxLayout(samples);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *header = new QHBoxLayout;
    header->addWidget(m_samplesTitle, 1);
    m_filter->setPlaceholderText(tr("Filter samples\u2026"));
    m_filter->setClearButtonEnabled(true);
    header->addWidget(m_filter, 1);
    auto *all = new QPushButton(tr("Show All Cells"), samples);
    all->setToolTip(tr("List the samples of every method and budget, not only the point clicked"));
    connect(all, &QPushButton::clicked, this, [this] { showSamplesOf({}, 1.0); });
    header->addWidget(all);
    layout->addLayout(header);
    m_proxy->setSourceModel(m_records);
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setTextElideMode(Qt::ElideNone);
    m_table->verticalHeader()->hide();
    m_table->setToolTip(tr("Double-click (or Return on) a sample to see it on the canvas with its method and budget"));
    layout->addWidget(m_table, 1);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &SweepSamplesProxy::setText);
    connect(m_filter, &QLineEdit::textChanged, this, &SweepPanel::updateSamplesTitle);
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(m_proxy, signal, this, &SweepPanel::updateSamplesTitle);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &SweepPanel::updateSamplesTitle);
    connect(m_table, &QTableView::activated, this, &SweepPanel::onSampleActivated);
    panel->addWidget(samples);
    panel->setStretchFactor(0, 3);
    panel->setStretchFactor(1, 2);
    showSamplesOf({}, 1.0);
    return panel;
}

void SweepPanel::setModel(ModelSession *session, const QString &modelDir)
{
    m_job->setSession(session);
    m_modelDir = session ? modelDir : QString();
    updateButtons();
}

void SweepPanel::setDataset(const QString &path)
{
    m_dataset->setText(path);
    if (m_outDir->text().isEmpty() && !path.isEmpty()) {
        const QFileInfo info(path);
        m_outDir->setText(info.dir().filePath(info.completeBaseName() + QStringLiteral("-sweep")));
    }
}

void SweepPanel::setMethods(const QStringList &names)
{
    for (int i = 0; i < m_methods->count(); ++i)
        m_methods->item(i)->setCheckState(names.contains(m_methods->item(i)->text()) ? Qt::Checked : Qt::Unchecked);
}

QStringList SweepPanel::methods() const
{
    QStringList out;
    for (int i = 0; i < m_methods->count(); ++i)
        if (m_methods->item(i)->checkState() == Qt::Checked)
            out << m_methods->item(i)->text();
    return out;
}

void SweepPanel::setBudgets(const QString &text)
{
    m_budgets->setText(text);
}

void SweepPanel::setLimit(int samples)
{
    m_limit->setValue(samples);
}

void SweepPanel::setOutputFolder(const QString &path)
{
    m_outDir->setText(path);
}

SweepPlotView *SweepPanel::figure(int index) const
{
    return index >= 0 && index < int(m_views.size()) ? m_views[std::size_t(index)] : nullptr;
}

QString SweepPanel::statusText() const
{
    return m_status->text();
}

bool SweepPanel::isRunning() const
{
    return m_job->isRunning();
}

bool SweepPanel::run()
{
    if (m_job->isRunning())
        return false;
    // The form's own checks, in the user's language; the core's parsers name the bad value.
    QString problem;
    if (m_modelDir.isEmpty())
        problem = tr("There is no model loaded: open a model folder first.");
    else if (m_dataset->text().trimmed().isEmpty())
        problem = tr("Choose a dataset file (JSONL, see docs/dataset-format.md).");
    else if (m_outDir->text().trimmed().isEmpty())
        problem = tr("Choose an output folder.");
    else if (methods().isEmpty())
        problem = tr("Tick at least one method.");
    if (!problem.isEmpty()) {
        Q_EMIT errorReported(tr("Sweep: %1").arg(problem));
        return false;
    }
    SweepSpec spec;
    spec.dataset = m_dataset->text().trimmed().toStdString();
    spec.outDir = m_outDir->text().trimmed().toStdString();
    spec.limit = m_limit->value();
    try {
        spec.methods = parseMethodList(methods().join(QLatin1Char(',')).toStdString(), "methods");
    } catch (const std::exception &e) {
        Q_EMIT errorReported(tr("Methods: %1").arg(QString::fromStdString(e.what())));
        return false;
    }
    try {
        spec.budgets = parseBudgetList(m_budgets->text().toStdString(), "budgets");
    } catch (const std::exception &e) {
        Q_EMIT errorReported(tr("Budgets: %1").arg(QString::fromStdString(e.what())));
        return false;
    }
    m_datasetDir = std::filesystem::absolute(spec.dataset).parent_path();
    m_records->clear();
    m_summary.clear();
    for (SweepPlotView *view : m_views)
        view->setRows({});
    showSamplesOf({}, 1.0);
    m_progress->setValue(0);
    m_status->setText(tr("Checking the dataset\u2026"));
    m_job->start(spec);
    updateButtons();
    return true;
}

void SweepPanel::cancel()
{
    m_job->cancel();
    m_status->setText(tr("Cancelling after the current cell\u2026"));
}

void SweepPanel::onProgress(const SweepProgress &progress)
{
    m_progress->setValue(static_cast<int>(1000 * progress.fraction()));
    QString text = tr("%1 / %2 cells").arg(progress.done).arg(progress.total);
    if (progress.resumed > 0)
        text += tr(" (%1 resumed)").arg(progress.resumed);
    text += tr(" \u00b7 elapsed %1").arg(QString::fromStdString(formatDuration(progress.elapsedSeconds)));
    if (progress.etaSeconds >= 0)
        text += tr(" \u00b7 ETA %1").arg(QString::fromStdString(formatDuration(progress.etaSeconds)));
    m_status->setText(text);
}

void SweepPanel::onRecords(const std::vector<SampleRecord> &records)
{
    const bool first = m_records->rowCount() == 0;
    m_records->appendRecords(records);   // the proxy filters the new rows; the title follows its count
    if (first)
        fitColumns();
    updateButtons();
}

void SweepPanel::fitColumns()
{
    // Every header readable; long text columns (question, answer) capped, the rest in a tooltip.
    m_table->resizeColumnsToContents();
    QHeaderView *header = m_table->horizontalHeader();
    for (int column = 0; column < header->count(); ++column) {
        const int title =
            header->fontMetrics().horizontalAdvance(m_proxy->headerData(column, Qt::Horizontal).toString()) + 24;
        header->resizeSection(column, std::clamp(header->sectionSize(column), title, std::max(title, 240)));
    }
}

void SweepPanel::onSummary(const std::vector<SummaryRow> &rows)
{
    m_summary = rows;
    for (SweepPlotView *view : m_views)
        view->setRows(rows);
    updateButtons();
}

void SweepPanel::onEnded(const QString &status, bool finished)
{
    m_status->setText(status);
    if (finished)
        m_progress->setValue(1000);
    updateButtons();
}

void SweepPanel::updateButtons()
{
    const bool running = m_job->isRunning();
    m_run->setEnabled(!running && !m_modelDir.isEmpty());
    m_run->setToolTip(m_modelDir.isEmpty() ? tr("Open a model first") : tr("Run on %1").arg(m_modelDir));
    m_cancel->setEnabled(running);
    const bool hasData = !m_summary.empty() || m_records->rowCount() > 0;
    for (QPushButton *button : m_exportButtons)
        button->setEnabled(hasData);
}

bool SweepPanel::openFolder(const QString &path)
{
    try {
        MergeOutcome found;
        std::vector<SampleRecord> records = readSweep({path.toStdString()}, found);
        // sweep.json names the dataset, against which the records' image paths resolve.
        m_datasetDir = std::filesystem::path(path.toStdString());
        std::optional<SweepManifest> manifest;
        try {
            manifest = readSweepManifest(m_datasetDir);
        } catch (const Error &e) {   // the records still open; the form keeps what it had
            Q_EMIT errorReported(QString::fromStdString(e.what()));
        }
        if (manifest) {
            // The form shows what this sweep ran, so Run Sweep resumes or extends it.
            if (!manifest->dataset.empty()) {
                m_datasetDir = manifest->dataset.parent_path();
                m_dataset->setText(QString::fromStdString(manifest->dataset.string()));
            }
            QStringList methods, budgets;
            for (const std::string &method : manifest->methods)
                methods << QString::fromStdString(method);
            for (double budget : manifest->budgets)
                budgets << QString::number(budget, 'g', 6);
            if (!methods.isEmpty())
                setMethods(methods);
            if (!budgets.isEmpty())
                m_budgets->setText(budgets.join(QLatin1Char(',')));
            m_limit->setValue(manifest->limit);
        }
        m_outDir->setText(path);
        m_summary = summarize(records);
        m_progress->setValue(static_cast<int>(1000 * completedShare(manifest, records.size())));
        m_records->setRecords(std::move(records));
        for (SweepPlotView *view : m_views)
            view->setRows(m_summary);
        showSamplesOf({}, 1.0);
        fitColumns();
        updateButtons();
        m_status->setText(tr("Opened %1: %n cell(s)", nullptr, m_records->rowCount()).arg(QDir::toNativeSeparators(path)));
        return true;
    } catch (const std::exception &e) {   // names the folder or the bad line
        Q_EMIT errorReported(QString::fromStdString(e.what()));
        return false;
    }
}

void SweepPanel::showSamplesOf(const QString &method, double budget)
{
    m_proxy->setSetting(method, budget);
    updateSamplesTitle();
}

void SweepPanel::updateSamplesTitle()
{
    const QString method = m_proxy->method();
    QString title = method.isEmpty() ? tr("All samples (%1)").arg(m_proxy->rowCount())
                                     : tr("%1 at budget %2 (%3 samples)")
                                           .arg(method, QString::number(m_proxy->budget(), 'g', 4))
                                           .arg(m_proxy->rowCount());
    if (!m_filter->text().trimmed().isEmpty())
        title += tr(", filtered by \u201c%1\u201d").arg(m_filter->text().trimmed());
    m_samplesTitle->setText(title);
}

void SweepPanel::onSampleActivated(const QModelIndex &index)
{
    const QModelIndex source = m_proxy->mapToSource(index);
    if (!source.isValid())
        return;
    const SampleRecord &record = m_records->record(source.row());
    const std::filesystem::path image = std::filesystem::path(record.image).is_absolute()
                                            ? std::filesystem::path(record.image)
                                            : m_datasetDir / record.image;
    QStringList references;
    for (const std::string &answer : record.target)
        references << QString::fromStdString(answer);
    Q_EMIT sampleActivated(fromPath(image), QString::fromStdString(record.input), QString::fromStdString(record.method),
                           record.budget, references, QString::fromStdString(record.metric));
}

bool SweepPanel::exportFigures(const QString &dir)
{
    try {
        QStringList written;
        std::map<SweepFigure, QSet<QString>> hidden;   // exported as shown
        for (const SweepPlotView *view : m_views)
            hidden[view->figure()] = view->hiddenMethods();
        renderSweepPlots(m_summary, dir, &written, hidden);
        m_status->setText(tr("Wrote %1").arg(written.join(QStringLiteral(", "))));
        return true;
    } catch (const std::exception &e) {
        Q_EMIT errorReported(QString::fromStdString(e.what()));
        return false;
    }
}

bool SweepPanel::exportSummary(const QString &dir)
{
    try {
        if (!QDir().mkpath(dir))
            throw Error(dir.toStdString(), "cannot create the folder");
        const std::filesystem::path base(dir.toStdString());
        writeSummaryCsv(base / "summary.csv", m_summary);
        writeSummaryJson(base / "summary.json", m_summary);
        m_status->setText(tr("Wrote summary.csv and summary.json to %1").arg(QDir::toNativeSeparators(dir)));
        return true;
    } catch (const std::exception &e) {
        Q_EMIT errorReported(QString::fromStdString(e.what()));
        return false;
    }
}

bool SweepPanel::exportSamplesCsv(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        Q_EMIT errorReported(tr("%1: cannot be written (%2)").arg(QDir::toNativeSeparators(path), file.errorString()));
        return false;
    }
    // One CSV writer for every export (core/eval/csv.h): the table as shown, header first.
    std::vector<std::string> fields;
    for (int column = 0; column < m_proxy->columnCount(); ++column)
        fields.push_back(m_proxy->headerData(column, Qt::Horizontal).toString().toStdString());
    std::string csv = csvRecord(fields);
    for (int row = 0; row < m_proxy->rowCount(); ++row) {
        fields.clear();
        for (int column = 0; column < m_proxy->columnCount(); ++column)
            fields.push_back(m_proxy->index(row, column).data().toString().toStdString());
        csv += csvRecord(fields);
    }
    const QByteArray out = QByteArray::fromStdString(csv);
    if (file.write(out) != out.size() || !file.flush()) {
        Q_EMIT errorReported(tr("%1: cannot be written (%2)").arg(QDir::toNativeSeparators(path), file.errorString()));
        return false;
    }
    m_status->setText(tr("Wrote %n sample(s) to %1", nullptr, m_proxy->rowCount()).arg(QDir::toNativeSeparators(path)));
    return true;
}

void SweepPanel::copySummary() const
{
    QApplication::clipboard()->setText(QString::fromStdString(summaryTable(m_summary)));
    m_status->setText(tr("Copied the summary table (%n row(s)) to the clipboard.", nullptr, int(m_summary.size())));
}

SweepFormSettings SweepPanel::form() const
{
    return {m_dataset->text(), methods(), m_budgets->text(), m_limit->value(), m_outDir->text()};
}

void SweepPanel::setForm(const SweepFormSettings &form)
{
    m_dataset->setText(form.dataset);
    setMethods(form.methods);
    m_budgets->setText(form.budgets);
    m_limit->setValue(form.limit);
    m_outDir->setText(form.outDir);
}

void SweepPanel::chooseDataset()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Choose Dataset"), m_dataset->text(),
                                                      tr("Sweep datasets (*.jsonl);;All files (*)"));
    if (!path.isEmpty())
        setDataset(path);
}

void SweepPanel::chooseOutputFolder()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Sweep Output Folder"), m_outDir->text());
    if (!dir.isEmpty())
        m_outDir->setText(dir);
}

} // namespace tokenscope::widgets
