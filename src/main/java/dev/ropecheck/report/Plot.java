package dev.ropecheck.report;

/** The plots of the verification report; each {@link Series} names the plot it belongs to. */
public enum Plot {
    ERROR_VS_N("error-vs-n", "Measured error vs n", "n", "max |error|", true, true),
    ERROR_VS_DEGREE("error-vs-degree", "Error vs polynomial degree g", "degree g", "max |error|", false, true),
    TIME_VS_N("time-vs-n", "Time vs n (fast vs exact)", "n", "time [ms]", true, true),
    DEGREE_VS_B("degree-vs-bound", "Degree / rank vs entry bound B", "B", "degree or rank", false, true);

    private final String file;
    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final boolean logX;
    private final boolean logY;

    Plot(String file, String title, String xLabel, String yLabel, boolean logX, boolean logY) {
        this.file = file;
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        this.logX = logX;
        this.logY = logY;
    }

    public String file() {
        return file;
    }

    public String title() {
        return title;
    }

    public String xLabel() {
        return xLabel;
    }

    public String yLabel() {
        return yLabel;
    }

    public boolean logX() {
        return logX;
    }

    public boolean logY() {
        return logY;
    }
}
