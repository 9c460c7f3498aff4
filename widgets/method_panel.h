// SPDX-License-Identifier: MIT
#pragma once

// How to compress, built from the core's method catalog: the tile-ratio part (every tile at 1/4,
// the ViR router, ViR down to a budget, every tile at 1/16), the token part (keep every token, or
// one token-selection / inside-LLM method), the budget (slider and spin box, 1–100 % of the
// connector tokens) and each part's parameters. Every change emits choiceChanged(); with "live"
// on, the window re-runs at once. Names are the CLI's ("vir+visionselector"), so a choice made
// here can be typed into `tokenscope-cli run --method`.

#include "compress/method_catalog.h"
#include "model/router_rule.h"

#include <QWidget>

#include <map>
#include <string>
#include <vector>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QSlider;
class QSpinBox;

namespace tokenscope::widgets {

class MethodPanel : public QWidget {
    Q_OBJECT
public:
    explicit MethodPanel(QWidget *parent = nullptr);

    // The method in the CLI's spelling: "none", "vir", "fastv", "vir+visionselector".
    QString methodName() const;
    // Selects the parts of a CLI name; false (nothing changes) for a name the catalog rejects
    // or a part the loaded model cannot run.
    bool setMethodName(const QString &name);
    // Method and budget together, with one choiceChanged; false (nothing changes) for a rejected
    // name or a budget outside (0, 1].
    bool setChoice(const QString &name, double budget);
    double budget() const;             // (0, 1], in whole percent
    bool usesBudget() const;           // a token method, or a ratio method that takes one ("vir-budget")
    void setBudget(double budget);
    // The parameters the user moved off their defaults (defaults are the core's own).
    std::map<std::string, double> parameters() const;
    bool setParameter(const QString &name, double value);
    // Validated by the core; throws tokenscope::Error for a choice the catalog rejects.
    MethodChoice choice() const;

    bool isLive() const;
    void setLive(bool live);
    void setLiveVisible(bool visible);   // a second panel follows the first one's switch

    // Greys out what the loaded model cannot run: the ratio methods without mlp2 + router, the
    // learned scorer without selector.safetensors. Shows the model's own ViR thresholds. Until the
    // user picks tile ratios, they follow the model's default ("vir" or "none": ModelInfo::defaultMethod).
    void setCapabilities(bool flash, bool selector, const RouterThresholds &modelThresholds,
                         const QString &defaultRatio = QStringLiteral("vir"));

    QSlider *budgetSlider() const { return m_slider; }

Q_SIGNALS:
    void choiceChanged();

private:
    void rebuildParameters();
    void updateEnabled();
    void onBudgetSliderMoved(int percent);
    void onBudgetSpinChanged(int percent);
    const MethodInfo *ratioMethod() const;
    const MethodInfo *tokenMethod() const;

    QComboBox *m_ratio;
    QComboBox *m_tokens;
    QSlider *m_slider;
    QSpinBox *m_budget;
    QCheckBox *m_live;
    QFormLayout *m_parameterForm;
    QLabel *m_note;   // why the tokens or the budget are greyed out
    struct ParameterEditor {
        MethodParameter parameter;
        QDoubleSpinBox *spin = nullptr;   // numeric parameters
        QComboBox *choices = nullptr;     // named choices (MethodParameter::choices): value = index
        bool sentinelDefault = false;   // the default lies outside the range: it means "the model's"
        double value() const;
        bool setValue(double value);
    };
    std::vector<ParameterEditor> m_parameterEditors;
    RouterThresholds m_modelThresholds;
    bool m_flash = true;
    bool m_ratioPicked = false;   // the user chose tile ratios: a new model's default no longer applies
    bool m_selector = true;
};

} // namespace tokenscope::widgets
