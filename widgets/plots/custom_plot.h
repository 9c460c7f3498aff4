// SPDX-License-Identifier: MIT
#pragma once

// QCustomPlot for a library built with QT_NO_KEYWORDS: qcustomplot.h spells Qt's keywords bare.
#define signals Q_SIGNALS
#define foreach Q_FOREACH
#include <qcustomplot.h>
#undef foreach
#undef signals
