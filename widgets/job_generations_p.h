// SPDX-License-Identifier: MIT
#pragma once

// Generation bookkeeping shared by the GUI thread (writer) and the model-owner thread (reader),
// after Hotspot's jobtracker: every request gets a number; a job whose number is superseded or
// cancelled stops at its next progress check, and its result is dropped if it still arrives.
// Only monotonic atomics are shared, so no lock is needed.

#include <QtGlobal>

#include <atomic>

namespace tokenscope::widgets {

class JobGenerations {
public:
    quint64 issueLoad()
    {
        const quint64 generation = ++m_issued;
        m_latestLoad.store(generation);
        return generation;
    }
    quint64 issueAsk()
    {
        const quint64 generation = ++m_issued;
        m_latestAsk.store(generation);
        return generation;
    }
    // Everything issued so far stops; later requests are unaffected.
    void cancelAll() { m_cancelledUpTo.store(m_issued.load()); }

    // An answer is moot once a newer question or a newer model was requested, or on cancel.
    bool askShouldStop(quint64 generation) const
    {
        return isCancelled(generation) || generation < m_latestAsk.load() || generation < m_latestLoad.load();
    }
    // Asking a question never stops a model load; a newer load or a cancel does.
    bool loadShouldStop(quint64 generation) const
    {
        return isCancelled(generation) || generation < m_latestLoad.load();
    }
    bool isCancelled(quint64 generation) const { return generation <= m_cancelledUpTo.load(); }

    quint64 issued() const { return m_issued.load(); }
    quint64 latestLoad() const { return m_latestLoad.load(); }
    quint64 latestAsk() const { return m_latestAsk.load(); }

private:
    std::atomic<quint64> m_issued{0};
    std::atomic<quint64> m_latestLoad{0};
    std::atomic<quint64> m_latestAsk{0};
    std::atomic<quint64> m_cancelledUpTo{0};
};

}   // namespace tokenscope::widgets
