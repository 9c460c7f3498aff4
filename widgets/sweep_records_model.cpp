// SPDX-License-Identifier: MIT
#include "sweep_records_model.h"

#include <QBrush>
#include <QColor>

#include <cmath>

namespace tokenscope::widgets {

namespace {

QString joined(const std::vector<std::string> &items)
{
    QStringList out;
    for (const std::string &item : items)
        out << QString::fromStdString(item);
    return out.join(QStringLiteral(" | "));
}

double latency(const SampleRecord &record, const char *stage)
{
    const auto it = record.latencyMs.find(stage);
    return it == record.latencyMs.end() ? std::nan("") : it->second;
}

QVariant numberOrBlank(double value, int decimals)
{
    return std::isfinite(value) ? QVariant(QString::number(value, 'f', decimals)) : QVariant();
}

} // namespace

SweepRecordsModel::SweepRecordsModel(QObject *parent) : QAbstractTableModel(parent) {}

void SweepRecordsModel::setRecords(std::vector<SampleRecord> records)
{
    beginResetModel();
    m_records = std::move(records);
    endResetModel();
}

void SweepRecordsModel::appendRecords(const std::vector<SampleRecord> &records)
{
    if (records.empty())
        return;
    const int first = rowCount();
    beginInsertRows({}, first, first + static_cast<int>(records.size()) - 1);
    m_records.insert(m_records.end(), records.begin(), records.end());
    endInsertRows();
}

void SweepRecordsModel::clear()
{
    setRecords({});
}

int SweepRecordsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_records.size());
}

int SweepRecordsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SweepRecordsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const SampleRecord &r = m_records[static_cast<std::size_t>(index.row())];
    const double keptPercent = r.visualTokens > 0 ? 100.0 * r.keptTokens / r.visualTokens : std::nan("");
    if (role == SortRole) {
        switch (index.column()) {
        case Budget: return r.budget;
        case Score: return r.score;
        case KeptTokens: return r.keptTokens;
        case KeptPercent: return std::isfinite(keptPercent) ? QVariant(keptPercent) : QVariant(-1.0);
        case PrefillMs: return latency(r, "prefill");
        case TotalMs: return latency(r, "total");
        default: return data(index, Qt::DisplayRole);
        }
    }
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Method: return QString::fromStdString(r.method);
        case Budget: return QString::number(r.budget, 'g', 4);
        case DocId: return QString::fromStdString(r.docId);
        case Category: return QString::fromStdString(r.category);
        case Question: return QString::fromStdString(r.input);
        case Answer: return QString::fromStdString(r.response);
        case Target: return joined(r.target);
        case Score: return QString::number(r.score, 'g', 4);
        case KeptTokens: return QStringLiteral("%1 / %2").arg(r.keptTokens).arg(r.visualTokens);
        case KeptPercent: return numberOrBlank(keptPercent, 1);
        case PrefillMs: return numberOrBlank(latency(r, "prefill"), 1);
        case TotalMs: return numberOrBlank(latency(r, "total"), 1);
        default: return {};
        }
    }
    if (role == Qt::TextAlignmentRole && index.column() >= Score)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ForegroundRole && index.column() == Score)
        return QBrush(r.score >= 1.0 ? QColor(20, 120, 40) : r.score <= 0.0 ? QColor(170, 30, 30) : QColor(150, 100, 0));
    if (role == Qt::ToolTipRole && (index.column() == Question || index.column() == Answer || index.column() == Target))
        return data(index, Qt::DisplayRole);
    return {};
}

QVariant SweepRecordsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Method: return tr("Method");
    case Budget: return tr("Budget");
    case DocId: return tr("Sample");
    case Category: return tr("Category");
    case Question: return tr("Question");
    case Answer: return tr("Answer");
    case Target: return tr("Reference");
    case Score: return tr("Score");
    case KeptTokens: return tr("Kept tokens");
    case KeptPercent: return tr("Kept %");
    case PrefillMs: return tr("Prefill ms");
    case TotalMs: return tr("Total ms");
    default: return {};
    }
}

SweepSamplesProxy::SweepSamplesProxy(QObject *parent) : QSortFilterProxyModel(parent)
{
    setSortRole(SweepRecordsModel::SortRole);
}

void SweepSamplesProxy::setSetting(const QString &method, double budget)
{
    m_method = method;
    m_budget = budget;
    invalidateFilter();
}

void SweepSamplesProxy::setText(const QString &text)
{
    m_text = text.trimmed();
    invalidateFilter();
}

bool SweepSamplesProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const auto *records = qobject_cast<const SweepRecordsModel *>(sourceModel());
    if (!records || sourceParent.isValid())
        return false;
    const SampleRecord &r = records->record(sourceRow);
    // Budgets come back from JSON bit-exactly, so equality is the right test.
    if (!m_method.isEmpty() && (QString::fromStdString(r.method) != m_method || r.budget != m_budget))
        return false;
    if (m_text.isEmpty())
        return true;
    for (int column : {SweepRecordsModel::DocId, SweepRecordsModel::Category, SweepRecordsModel::Question,
                       SweepRecordsModel::Answer, SweepRecordsModel::Target})
        if (records->index(sourceRow, column).data().toString().contains(m_text, Qt::CaseInsensitive))
            return true;
    return false;
}

} // namespace tokenscope::widgets
