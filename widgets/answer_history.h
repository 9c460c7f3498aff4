// SPDX-License-Identifier: MIT
#pragma once

// Every answer of this session on the Inspect page, newest first: the image, the question, the
// method and budget it ran with, the tokens it sent, the answer, and (when the question came with
// one: a sweep sample, a gallery image) the reference answer and whether the answer matches it
// under the sample's metric. A comparison adds a row for the right canvas under the same ask
// number. A table model, testable without a window; the Result dock shows it.

#include "eval/metrics.h"
#include "pipeline/engine.h"

#include <QAbstractTableModel>
#include <QString>

#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace tokenscope::widgets {

// A question's known answers and how a reply is scored against them.
struct ReferenceAnswer {
    std::vector<std::string> answers;
    tokenscope::Metric metric = tokenscope::Metric::ExactMatch;
};

struct AskEntry {
    int ask = 0;                // the ask's number in this session; shared by a comparison's rows
    bool rightCanvas = false;   // the comparison's row
    QString imagePath;
    QString question;
    QString method;   // catalogue spelling, "vir+visionselector"
    double budget = 1.0;
    bool usesBudget = true;   // false: the method decides the token count (the column says "—")
    int tokensSent = 0;
    int tokensBefore = 0;   // every tile at 1/4
    QString answer;
    std::optional<ReferenceAnswer> reference;
    double totalMs = 0;

    // Under the reference's metric, in [0, 1]; set once when the entry joins the history.
    std::optional<double> score;
};

class AnswerHistoryModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Ask, Question, Answer, Match, Reference, Method, Budget, Tokens, Image, Milliseconds, ColumnCount };
    static constexpr int maximumEntries = 1000;   // the oldest go first

    explicit AnswerHistoryModel(QObject *parent = nullptr);

    // Adds the rows of one ask (its answer and, in compare mode, the right canvas's) on top.
    void addAsk(std::vector<AskEntry> entries);
    int nextAskNumber() const { return m_asks + 1; }
    const AskEntry &entry(int row) const { return m_entries[static_cast<std::size_t>(row)]; }
    void clear();

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::deque<AskEntry> m_entries;   // newest first
    int m_asks = 0;
};

// An entry for `result`, as the page asked it.
AskEntry askEntryOf(const tokenscope::RunResult &result, const QString &imagePath, const QString &question,
                    const std::optional<ReferenceAnswer> &reference);

}   // namespace tokenscope::widgets
