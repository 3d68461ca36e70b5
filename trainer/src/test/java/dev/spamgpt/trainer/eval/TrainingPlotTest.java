package dev.spamgpt.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spamgpt.trainer.train.TrainingHistory;
import dev.spamgpt.trainer.train.TrainingHistory.EpochPoint;
import dev.spamgpt.trainer.train.TrainingHistory.EvalPoint;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingPlotTest {

    @TempDir Path dir;

    @Test
    void writeShouldDrawBothCurvesOfBothPanelsAsPng() throws Exception {
        List<EvalPoint> evals = new ArrayList<>();
        for (int step = 0; step < 130; step += 10) {
            evals.add(
                    new EvalPoint(
                            step / 40 + 1,
                            step,
                            (step + 1) * 8L,
                            0.7 * Math.exp(-step / 30.0),
                            0.7 * Math.exp(-step / 40.0) + 0.05,
                            0.9,
                            0.88));
        }
        List<EpochPoint> epochs =
                List.of(
                        new EpochPoint(1, 320, 0.8, 0.75),
                        new EpochPoint(2, 640, 0.95, 0.9),
                        new EpochPoint(3, 960, 0.99, 0.93));
        TrainingHistory history =
                new TrainingHistory(evals, epochs, new float[0], 130, 1040, 10, 0);
        Path png = dir.resolve("out/training.png");
        TrainingPlot.write(png, history, 320);
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(1280);
        assertThat(image.getHeight()).isEqualTo(460);
        int half = image.getWidth() / 2;
        // both series colours appear in both panels
        assertThat(count(image, 0, half, 0x1f77b4)).isGreaterThan(200);
        assertThat(count(image, 0, half, 0xff7f0e)).isGreaterThan(100);
        assertThat(count(image, half, image.getWidth(), 0x1f77b4)).isGreaterThan(100);
        assertThat(count(image, half, image.getWidth(), 0xff7f0e)).isGreaterThan(100);
        // and there is text (dark pixels outside the plot frames)
        assertThat(count(image, 0, image.getWidth(), 0x000000)).isGreaterThan(500);
    }

    @Test
    void ticksShouldBeRoundAndCoverTheRange() {
        assertThat(TrainingPlot.ticks(0, 5200, 6)).containsExactly(0, 2000, 4000, 6000);
        assertThat(TrainingPlot.ticks(0, 650, 6)).containsExactly(0, 200, 400, 600, 800);
        assertThat(TrainingPlot.ticks(0.87, 1.0, 6)).startsWith(0.85).endsWith(1.0);
        assertThat(TrainingPlot.ticks(0, 0, 6)).isNotEmpty();
    }

    private static int count(BufferedImage image, int x0, int x1, int rgb) {
        int n = 0;
        for (int x = x0; x < x1; x++) {
            for (int y = 0; y < image.getHeight(); y++) {
                if ((image.getRGB(x, y) & 0xffffff) == rgb) {
                    n++;
                }
            }
        }
        return n;
    }
}
