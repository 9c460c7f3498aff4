// SPDX-License-Identifier: MIT
#include "method_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QStandardItemModel>

#include <algorithm>
#include <cmath>

namespace tokenscope::widgets {

namespace {

QString ratioLabel(const std::string &name)
{
    if (name == "none")
        return MethodPanel::tr("every tile at 1/4 (full)");
    if (name == "vir")
        return MethodPanel::tr("ViR router");
    if (name == "vir-budget")
        return MethodPanel::tr("ViR down to the budget");
    if (name == "all-1/16")
        return MethodPanel::tr("every tile at 1/16");
    if (name == "downsample")
        return MethodPanel::tr("fewer tiles (downsample)");
    return QString::fromStdString(name);
}

// A parameter's label in words; its catalogue name (what the CLI's --params takes) is in the tooltip.
QString parameterLabel(const std::string &name)
{
    if (name == "relative")
        return MethodPanel::tr("Relative threshold (quantile):");
    if (name == "absolute")
        return MethodPanel::tr("Absolute threshold:");
    if (name == "layer")
        return MethodPanel::tr("Pruning layer (K):");
    if (name == "seed")
        return MethodPanel::tr("Random seed:");
    if (name == "stages")
        return MethodPanel::tr("Stages:");
    if (name == "query")
        return MethodPanel::tr("Attention from:");
    if (name == "relevance")
        return MethodPanel::tr("Relevance to:");
    if (name == "lambda")
        return MethodPanel::tr("Ratio per stage (\u03bb):");
    if (name == "contextual_fraction")
        return MethodPanel::tr("Contextual share:");
    if (name == "important_fraction")
        return MethodPanel::tr("Important share:");
    return QString::fromStdString(name) + QLatin1Char(':');
}

void setItemEnabled(QComboBox *combo, int index, bool enabled)
{
    if (auto *model = qobject_cast<QStandardItemModel *>(combo->model()))
        if (QStandardItem *item = model->item(index))
            item->setEnabled(enabled);
}

bool isItemEnabled(const QComboBox *combo, int index)
{
    if (auto *model = qobject_cast<QStandardItemModel *>(combo->model()))
        if (QStandardItem *item = model->item(index))
            return item->isEnabled();
    return true;
}

int percentOf(double budget)
{
    return std::clamp(static_cast<int>(std::lround(budget * 100.0)), 1, 100);
}

} // namespace

MethodPanel::MethodPanel(QWidget *parent)
    : QWidget(parent), m_ratio(new QComboBox(this)), m_tokens(new QComboBox(this)),
      m_slider(new QSlider(Qt::Horizontal, this)), m_budget(new QSpinBox(this)),
      m_live(new QCheckBox(tr("Live: re-run on every change"), this)), m_parameterForm(new QFormLayout),
      m_note(new QLabel(this))
{
    // Item data is the catalog name: the catalog stays the one source of truth.
    m_tokens->addItem(tr("keep every token"), QString());
    for (const MethodInfo &method : compressionMethods()) {
        const QString name = QString::fromStdString(method.name);
        if (method.kind == MethodKind::TileRatio)
            m_ratio->addItem(ratioLabel(method.name), name);
        else
            m_tokens->addItem(name, name);
        QComboBox *combo = method.kind == MethodKind::TileRatio ? m_ratio : m_tokens;
        combo->setItemData(combo->count() - 1, QString::fromStdString(method.summary + "\n" + method.reference),
                           Qt::ToolTipRole);
    }
    m_ratio->setCurrentIndex(std::max(0, m_ratio->findData(QStringLiteral("vir"))));
    // The boxes may be narrower than their longest entry (the list still shows it in full), so
    // that a translated dock fits beside the canvas.
    for (QComboBox *combo : {m_ratio, m_tokens}) {
        combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        combo->setMinimumContentsLength(12);
    }

    m_slider->setRange(1, 100);
    m_slider->setValue(50);
    m_slider->setPageStep(10);
    m_budget->setRange(1, 100);
    m_budget->setValue(50);
    m_budget->setSuffix(tr(" %"));
    m_budget->setToolTip(tr("Share of the connector tokens kept (k = max(1, ⌊b·N⌋)); "
                            "for \u201cViR down to the budget\u201d, the share of tokens the tiles may produce."));
    m_slider->setToolTip(m_budget->toolTip());
    m_live->setChecked(true);

    auto *budgetRow = new QHBoxLayout;
    budgetRow->addWidget(m_slider, 1);
    budgetRow->addWidget(m_budget);

    auto *form = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);
    form->addRow(tr("Tile ratios:"), m_ratio);
    form->addRow(tr("Tokens:"), m_tokens);
    form->addRow(tr("Budget:"), budgetRow);
    // Why a control is greyed out, next to it.
    m_note->setWordWrap(true);
    m_note->setForegroundRole(QPalette::PlaceholderText);
    form->addRow(m_note);
    form->addRow(m_parameterForm);
    form->addRow(m_live);

    connect(m_ratio, &QComboBox::currentIndexChanged, this, [this] {
        updateEnabled();
        rebuildParameters();
        Q_EMIT choiceChanged();
    });
    connect(m_ratio, &QComboBox::activated, this, [this] { m_ratioPicked = true; });
    connect(m_tokens, &QComboBox::currentIndexChanged, this, [this] {
        updateEnabled();
        rebuildParameters();
        Q_EMIT choiceChanged();
    });
    connect(m_slider, &QSlider::valueChanged, this, &MethodPanel::onBudgetSliderMoved);
    connect(m_budget, &QSpinBox::valueChanged, this, &MethodPanel::onBudgetSpinChanged);
    updateEnabled();
    rebuildParameters();
}

const MethodInfo *MethodPanel::ratioMethod() const
{
    return findMethod(m_ratio->currentData().toString().toStdString());
}

const MethodInfo *MethodPanel::tokenMethod() const
{
    return m_tokens->isEnabled() ? findMethod(m_tokens->currentData().toString().toStdString()) : nullptr;
}

QString MethodPanel::methodName() const
{
    QString ratio = m_ratio->currentData().toString();   // not const: returned by move
    const MethodInfo *tokens = tokenMethod();
    if (!tokens)
        return ratio;
    const QString token = QString::fromStdString(tokens->name);
    return ratio == QLatin1String("vir") ? ratio + QLatin1Char('+') + token : token;
}

bool MethodPanel::setMethodName(const QString &name)
{
    MethodChoice parsed;
    try {
        parsed = chooseMethod(name.toStdString(), 1.0);
    } catch (const std::exception &) {
        return false;
    }
    const int ratio = m_ratio->findData(QString::fromStdString(parsed.ratio->name));
    const int tokens = parsed.tokens ? m_tokens->findData(QString::fromStdString(parsed.tokens->name)) : 0;
    // A part the loaded model cannot run (greyed out) is not selectable by name either.
    if (ratio < 0 || tokens < 0 || !isItemEnabled(m_ratio, ratio) || !isItemEnabled(m_tokens, tokens))
        return false;
    {
        // One choiceChanged for the whole change, not one per combo.
        const QSignalBlocker blockRatio(m_ratio), blockTokens(m_tokens);
        m_ratio->setCurrentIndex(ratio);
        m_tokens->setCurrentIndex(tokens);
    }
    m_ratioPicked = true;
    updateEnabled();
    rebuildParameters();
    Q_EMIT choiceChanged();
    return true;
}

bool MethodPanel::setChoice(const QString &name, double budget)
{
    if (!(budget > 0 && budget <= 1))
        return false;
    {
        const QSignalBlocker block(this);   // one change, announced once below
        if (!setMethodName(name))
            return false;
        setBudget(budget);
    }
    Q_EMIT choiceChanged();
    return true;
}

bool MethodPanel::usesBudget() const
{
    const MethodInfo *ratio = ratioMethod();
    return tokenMethod() != nullptr || (ratio && ratio->usesBudget);
}

double MethodPanel::budget() const
{
    return m_budget->value() / 100.0;
}

void MethodPanel::setBudget(double budget)
{
    m_budget->setValue(percentOf(budget));   // the spin box moves the slider
}

void MethodPanel::onBudgetSliderMoved(int percent)
{
    if (m_budget->value() == percent)
        return;
    const QSignalBlocker block(m_budget);
    m_budget->setValue(percent);
    Q_EMIT choiceChanged();
}

void MethodPanel::onBudgetSpinChanged(int percent)
{
    if (m_slider->value() == percent)
        return;
    const QSignalBlocker block(m_slider);
    m_slider->setValue(percent);
    Q_EMIT choiceChanged();
}

double MethodPanel::ParameterEditor::value() const
{
    return choices ? double(choices->currentIndex()) : spin->value();
}

bool MethodPanel::ParameterEditor::setValue(double value)
{
    if (choices) {
        const int index = static_cast<int>(value);
        if (index != value || index < 0 || index >= choices->count())
            return false;
        choices->setCurrentIndex(index);
        return true;
    }
    spin->setValue(value);
    return spin->value() == value;
}

std::map<std::string, double> MethodPanel::parameters() const
{
    std::map<std::string, double> out;
    for (const ParameterEditor &editor : m_parameterEditors) {
        const double value = editor.value();
        if (editor.sentinelDefault ? value != editor.spin->minimum() : value != editor.parameter.defaultValue)
            out[editor.parameter.name] = value;
    }
    return out;
}

bool MethodPanel::setParameter(const QString &name, double value)
{
    for (ParameterEditor &editor : m_parameterEditors)
        if (editor.parameter.name == name.toStdString()) {
            return editor.setValue(value);
        }
    return false;
}

MethodChoice MethodPanel::choice() const
{
    return chooseMethod(methodName().toStdString(), budget(), parameters());
}

bool MethodPanel::isLive() const
{
    return m_live->isChecked();
}

void MethodPanel::setLive(bool live)
{
    m_live->setChecked(live);
}

void MethodPanel::setLiveVisible(bool visible)
{
    m_live->setVisible(visible);
}

void MethodPanel::setCapabilities(bool flash, bool selector, const RouterThresholds &modelThresholds,
                                  const QString &defaultRatio)
{
    m_flash = flash;
    m_selector = selector;
    m_modelThresholds = modelThresholds;
    for (int i = 0; i < m_ratio->count(); ++i)
        if (const MethodInfo *method = findMethod(m_ratio->itemData(i).toString().toStdString()))
            setItemEnabled(m_ratio, i, flash || !method->needsFlash);
    for (int i = 1; i < m_tokens->count(); ++i)
        setItemEnabled(m_tokens, i, selector || m_tokens->itemData(i).toString() != QLatin1String("visionselector"));
    // A choice the new model cannot run falls back to what every model runs.
    const int defaultIndex = m_ratio->findData(defaultRatio);
    const bool toDefault = !m_ratioPicked && defaultIndex >= 0 && isItemEnabled(m_ratio, defaultIndex)
                           && defaultIndex != m_ratio->currentIndex();
    const bool changed = toDefault || !isItemEnabled(m_ratio, m_ratio->currentIndex())
                         || !isItemEnabled(m_tokens, m_tokens->currentIndex());
    {
        const QSignalBlocker blockRatio(m_ratio), blockTokens(m_tokens);
        if (toDefault)
            m_ratio->setCurrentIndex(defaultIndex);
        if (!isItemEnabled(m_ratio, m_ratio->currentIndex()))
            m_ratio->setCurrentIndex(m_ratio->findData(QStringLiteral("none")));
        if (!isItemEnabled(m_tokens, m_tokens->currentIndex()))
            m_tokens->setCurrentIndex(0);
    }
    updateEnabled();
    rebuildParameters();
    if (changed)
        Q_EMIT choiceChanged();
}

void MethodPanel::rebuildParameters()
{
    const std::map<std::string, double> kept = parameters();
    while (m_parameterForm->rowCount() > 0)
        m_parameterForm->removeRow(0);
    m_parameterEditors.clear();
    for (const MethodInfo *part : {ratioMethod(), tokenMethod()}) {
        if (!part)
            continue;
        for (const MethodParameter &p : part->parameters) {
            const auto previous = kept.find(p.name);
            if (!p.choices.empty()) {
                ParameterEditor editor{p, nullptr, new QComboBox(this)};
                for (const std::string &name : p.choices)
                    editor.choices->addItem(QString::fromStdString(name));
                editor.setValue(previous != kept.end() ? previous->second : p.defaultValue);
                editor.choices->setToolTip(QString::fromStdString(p.name + ": " + p.description));
                connect(editor.choices, &QComboBox::currentIndexChanged, this, &MethodPanel::choiceChanged);
                m_parameterForm->addRow(parameterLabel(p.name), editor.choices);
                m_parameterEditors.push_back(editor);
                continue;
            }
            ParameterEditor editor{p, new QDoubleSpinBox(this)};
            QDoubleSpinBox *spin = editor.spin;
            spin->setDecimals(p.integer ? 0 : 3);
            spin->setSingleStep(p.integer ? 1.0 : 0.01);
            // ViR's thresholds default to "the model's own": one step below the range stands for it.
            editor.sentinelDefault = p.defaultValue < p.minimum;
            const double low = editor.sentinelDefault ? p.minimum - spin->singleStep() : p.minimum;
            spin->setRange(low, std::min(p.maximum, 1e9));
            if (editor.sentinelDefault) {
                const double model = p.name == "relative" ? m_modelThresholds.relative : m_modelThresholds.absolute;
                spin->setSpecialValueText(tr("model (%1)").arg(model, 0, 'g', 3));
            }
            spin->setValue(previous != kept.end() ? previous->second : editor.sentinelDefault ? low : p.defaultValue);
            spin->setToolTip(QString::fromStdString(p.name + ": " + p.description));
            connect(spin, &QDoubleSpinBox::valueChanged, this, &MethodPanel::choiceChanged);
            m_parameterForm->addRow(parameterLabel(p.name), spin);
            m_parameterEditors.push_back(editor);
        }
    }
}

void MethodPanel::updateEnabled()
{
    // Only ViR composes with a token method (the catalog's rule); the other ratio methods stand alone.
    const QString ratio = m_ratio->currentData().toString();
    m_tokens->setEnabled(ratio == QLatin1String("none") || ratio == QLatin1String("vir"));
    const bool withBudget = usesBudget();
    m_slider->setEnabled(withBudget);
    m_budget->setEnabled(withBudget);
    QString note;
    if (!m_tokens->isEnabled())
        note = tr("Token methods run after full tiles or the ViR router only.");
    else if (!withBudget)
        note = tr("No budget: every token of the tiles is kept. Choose a token method to keep a share of them.");
    m_note->setText(note);
    m_note->setVisible(!note.isEmpty());
}

} // namespace tokenscope::widgets
