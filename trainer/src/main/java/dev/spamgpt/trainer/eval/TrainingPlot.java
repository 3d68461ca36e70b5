package dev.spamgpt.trainer.eval;

import dev.spamgpt.core.util.TempFiles;
import dev.spamgpt.trainer.train.TrainingHistory;
import dev.spamgpt.trainer.train.TrainingHistory.EpochPoint;
import dev.spamgpt.trainer.train.TrainingHistory.EvalPoint;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The book's two training figures side by side in one PNG: training and validation loss at each
 * evaluation, and the accuracies at the end of each epoch, both over examples seen, with epochs on
 * a second axis at the top. Drawn with Java2D in headless mode, so no display is needed.
 */
public final class TrainingPlot {

    private static final int PANEL_WIDTH = 640;
    private static final int HEIGHT = 460;
    private static final int LEFT = 78;
    private static final int RIGHT = 24;
    private static final int TOP = 78;
    private static final int BOTTOM = 64;
    private static final Color TRAIN = new Color(31, 119, 180);
    private static final Color VALIDATION = new Color(255, 127, 14);
    private static final Color GRID = new Color(225, 225, 225);

    private TrainingPlot() {}

    /**
     * Draws the figure and writes it as PNG.
     *
     * @param file the PNG to write
     * @param history what the run recorded
     * @param examplesPerEpoch training examples per epoch, for the epoch axis
     * @throws IOException if the file cannot be written
     */
    public static void write(Path file, TrainingHistory history, long examplesPerEpoch)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage image = draw(history, examplesPerEpoch);
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = TempFiles.sibling(file);
        try {
            if (!ImageIO.write(image, "png", tmp.toFile())) {
                throw new IOException("no PNG writer in this Java runtime");
            }
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Draws the figure.
     *
     * @param history what the run recorded
     * @param examplesPerEpoch training examples per epoch
     * @return the image
     */
    static BufferedImage draw(TrainingHistory history, long examplesPerEpoch) {
        BufferedImage image =
                new BufferedImage(2 * PANEL_WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(
                    RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());

            List<double[]> trainLoss = new ArrayList<>();
            List<double[]> valLoss = new ArrayList<>();
            for (EvalPoint p : history.evaluations()) {
                trainLoss.add(new double[] {p.examplesSeen(), p.trainLoss()});
                valLoss.add(new double[] {p.examplesSeen(), p.validationLoss()});
            }
            List<double[]> trainAcc = new ArrayList<>();
            List<double[]> valAcc = new ArrayList<>();
            for (EpochPoint p : history.epochs()) {
                trainAcc.add(new double[] {p.examplesSeen(), p.trainAccuracy()});
                valAcc.add(new double[] {p.examplesSeen(), p.validationAccuracy()});
            }
            double maxX = Math.max(1, history.examplesSeen());
            double maxLoss = 0;
            for (double[] p : trainLoss) {
                maxLoss = Math.max(maxLoss, finite(p[1]));
            }
            for (double[] p : valLoss) {
                maxLoss = Math.max(maxLoss, finite(p[1]));
            }
            // losses fall and accuracies rise: each legend goes where its curves usually are not
            panel(
                    g,
                    0,
                    "Loss",
                    "Loss",
                    0,
                    maxLoss > 0 ? maxLoss * 1.05 : 1,
                    maxX,
                    examplesPerEpoch,
                    true,
                    List.of(
                            new Series("Training loss", TRAIN, trainLoss, false),
                            new Series("Validation loss", VALIDATION, valLoss, true)));
            panel(
                    g,
                    PANEL_WIDTH,
                    "Accuracy (end of each epoch)",
                    "Accuracy",
                    minAccuracy(trainAcc, valAcc),
                    1.0,
                    maxX,
                    examplesPerEpoch,
                    false,
                    List.of(
                            new Series("Training accuracy", TRAIN, trainAcc, false),
                            new Series("Validation accuracy", VALIDATION, valAcc, true)));
        } finally {
            g.dispose();
        }
        return image;
    }

    private record Series(String name, Color color, List<double[]> points, boolean dashed) {
        /** The pen of the curve and of its legend line. */
        BasicStroke stroke() {
            return dashed
                    ? new BasicStroke(
                            2.2f,
                            BasicStroke.CAP_BUTT,
                            BasicStroke.JOIN_ROUND,
                            1f,
                            new float[] {7f, 5f},
                            0f)
                    : new BasicStroke(2.2f);
        }
    }

    private static void panel(
            Graphics2D g,
            int x0,
            String title,
            String yLabel,
            double yMin,
            double yMax,
            double xMax,
            long examplesPerEpoch,
            boolean legendAtTop,
            List<Series> series) {
        int left = x0 + LEFT;
        int right = x0 + PANEL_WIDTH - RIGHT;
        int top = TOP;
        int bottom = HEIGHT - BOTTOM;
        Font tickFont = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
        Font labelFont = new Font(Font.SANS_SERIF, Font.PLAIN, 15);
        double[] yTicks = ticks(yMin, yMax, 6);
        double yLo = yTicks[0];
        // a little headroom so a curve at the top (accuracy 1.0) is not hidden by the frame
        double yHi =
                Math.max(yTicks[yTicks.length - 1], yMax)
                        + 0.03 * (yTicks[yTicks.length - 1] - yLo);
        double[] xTicks = ticks(0, xMax, 6);
        double xHi = Math.max(xTicks[xTicks.length - 1], xMax);

        // grid and tick labels
        g.setFont(tickFont);
        FontMetrics fm = g.getFontMetrics();
        for (double y : yTicks) {
            int py = py(y, yLo, yHi, top, bottom);
            g.setColor(GRID);
            g.drawLine(left, py, right, py);
            g.setColor(Color.DARK_GRAY);
            g.drawLine(left - 5, py, left, py);
            String s = format(y);
            g.drawString(s, left - 8 - fm.stringWidth(s), py + fm.getAscent() / 2 - 1);
        }
        for (double x : xTicks) {
            int px = px(x, xHi, left, right);
            g.setColor(GRID);
            g.drawLine(px, top, px, bottom);
            g.setColor(Color.DARK_GRAY);
            g.drawLine(px, bottom, px, bottom + 5);
            String s = format(x);
            g.drawString(s, px - fm.stringWidth(s) / 2, bottom + 8 + fm.getAscent());
        }
        // the epoch axis on top, as in the book's figures
        if (examplesPerEpoch > 0) {
            double epochs = xHi / examplesPerEpoch;
            for (double e : ticks(0, epochs, 8)) {
                if (e > epochs + 1e-9) {
                    continue;
                }
                int px = px(e * examplesPerEpoch, xHi, left, right);
                g.drawLine(px, top - 5, px, top);
                String s = format(e);
                g.drawString(s, px - fm.stringWidth(s) / 2, top - 9);
            }
        }
        g.setColor(Color.BLACK);
        g.drawRect(left, top, right - left, bottom - top);

        // axis labels and title
        g.setFont(labelFont);
        fm = g.getFontMetrics();
        String xLabel = "Examples seen";
        g.drawString(xLabel, (left + right - fm.stringWidth(xLabel)) / 2, HEIGHT - 16);
        if (examplesPerEpoch > 0) {
            g.drawString("Epochs", (left + right - fm.stringWidth("Epochs")) / 2, top - 30);
        }
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2);
        g.drawString(yLabel, -(top + bottom + fm.stringWidth(yLabel)) / 2, x0 + 22);
        g.setTransform(saved);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 17));
        fm = g.getFontMetrics();
        g.drawString(title, x0 + (PANEL_WIDTH - fm.stringWidth(title)) / 2, 24);

        // curves
        java.awt.Shape clip = g.getClip();
        g.clipRect(left, top - 4, right - left + 4, bottom - top + 8);
        for (Series s : series) {
            g.setColor(s.color());
            g.setStroke(s.stroke());
            Path2D line = new Path2D.Double();
            boolean started = false;
            for (double[] p : s.points()) {
                if (!Double.isFinite(p[1])) {
                    started = false;
                    continue;
                }
                double px = px(p[0], xHi, left, right);
                double py = pyExact(p[1], yLo, yHi, top, bottom);
                if (started) {
                    line.lineTo(px, py);
                } else {
                    line.moveTo(px, py);
                    started = true;
                }
            }
            g.draw(line);
            g.setStroke(new BasicStroke(1.5f));
            for (double[] p : s.points()) {
                if (Double.isFinite(p[1])) {
                    double px = px(p[0], xHi, left, right);
                    double py = pyExact(p[1], yLo, yHi, top, bottom);
                    g.fill(new Ellipse2D.Double(px - 3.5, py - 3.5, 7, 7));
                }
            }
        }
        g.setClip(clip);

        // legend, inside the plot on the right
        g.setFont(tickFont);
        fm = g.getFontMetrics();
        int width = 0;
        for (Series s : series) {
            width = Math.max(width, fm.stringWidth(s.name()));
        }
        int boxW = width + 52;
        int boxH = series.size() * 20 + 10;
        int bx = right - boxW - 10;
        int by = legendAtTop ? top + 10 : bottom - boxH - 10;
        g.setColor(new Color(255, 255, 255, 230));
        g.fillRect(bx, by, boxW, boxH);
        g.setColor(Color.GRAY);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(bx, by, boxW, boxH);
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            int ly = by + 15 + i * 20;
            g.setColor(s.color());
            g.setStroke(s.stroke());
            g.drawLine(bx + 8, ly, bx + 38, ly);
            g.setColor(Color.BLACK);
            g.drawString(s.name(), bx + 44, ly + fm.getAscent() / 2 - 1);
        }
        g.setStroke(new BasicStroke(1f));
    }

    /** Round tick values covering [lo, hi]: steps of 1, 2 or 5 times a power of ten. */
    static double[] ticks(double lo, double hi, int target) {
        if (!(hi > lo)) {
            hi = lo + 1;
        }
        double raw = (hi - lo) / Math.max(1, target - 1);
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = magnitude;
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * magnitude >= raw) {
                step = m * magnitude;
                break;
            }
        }
        long first = (long) Math.floor(lo / step + 1e-9);
        long last = (long) Math.ceil(hi / step - 1e-9);
        double[] out = new double[(int) (last - first + 1)];
        java.math.BigDecimal exactStep = java.math.BigDecimal.valueOf(step);
        for (int i = 0; i < out.length; i++) {
            // decimal arithmetic, so that 17 x 0.05 is 0.85 and not 0.8500000000000001
            out[i] = exactStep.multiply(java.math.BigDecimal.valueOf(first + i)).doubleValue();
        }
        return out;
    }

    private static double minAccuracy(List<double[]> a, List<double[]> b) {
        double min = 1;
        for (List<double[]> list : List.of(a, b)) {
            for (double[] p : list) {
                if (Double.isFinite(p[1])) {
                    min = Math.min(min, p[1]);
                }
            }
        }
        return Math.max(0, Math.min(min - 0.02, 0.9));
    }

    private static double finite(double v) {
        return Double.isFinite(v) ? v : 0;
    }

    private static int px(double x, double xHi, int left, int right) {
        return (int) Math.round(left + x / xHi * (right - left));
    }

    private static int py(double y, double lo, double hi, int top, int bottom) {
        return (int) Math.round(pyExact(y, lo, hi, top, bottom));
    }

    private static double pyExact(double y, double lo, double hi, int top, int bottom) {
        return bottom - (y - lo) / (hi - lo) * (bottom - top);
    }

    private static String format(double v) {
        if (Math.abs(v - Math.rint(v)) < 1e-9) {
            return String.format(Locale.ROOT, "%d", (long) Math.rint(v));
        }
        String s = String.format(Locale.ROOT, "%.3f", v);
        return s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
