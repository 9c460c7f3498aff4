// SPDX-License-Identifier: MIT
#pragma once

// The per-sample table of a sweep: one row per finished cell (method, budget, sample) with the
// question, the answer and the reference, the score, kept tokens and latencies. Rows are
// appended as a running sweep delivers them. Sorting and filtering go through a
// QSortFilterProxyModel; SortRole gives numbers as numbers.

#include "eval/sample_record.h"

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>

#include <vector>

namespace tokenscope::widgets {

class SweepRecordsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Method, Budget, DocId, Category, Question, Answer, Target, Score, KeptTokens, KeptPercent, PrefillMs, TotalMs, ColumnCount };
    static constexpr int SortRole = Qt::UserRole + 1;

    explicit SweepRecordsModel(QObject *parent = nullptr);

    void setRecords(std::vector<SampleRecord> records);
    void appendRecords(const std::vector<SampleRecord> &records);
    void clear();
    const std::vector<SampleRecord> &records() const { return m_records; }
    const SampleRecord &record(int row) const { return m_records[static_cast<std::size_t>(row)]; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<SampleRecord> m_records;
};

// The sample table's view of the records: one setting (method at budget) or all of them, and a
// case-insensitive text filter over sample id, category, question, answer and reference.
// Sorts numbers as numbers.
class SweepSamplesProxy : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit SweepSamplesProxy(QObject *parent = nullptr);

    void setSetting(const QString &method, double budget);   // an empty method shows every setting
    void setText(const QString &text);
    QString method() const { return m_method; }
    double budget() const { return m_budget; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QString m_method;
    double m_budget = 1.0;
    QString m_text;
};

} // namespace tokenscope::widgets
