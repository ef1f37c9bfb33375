/** Dumps the RGB bytes ImageIO decodes from a JPEG (args: image, output .raw); see compare.py. */
import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.*;
public class Decode {
    public static void main(String[] a) throws Exception {
        BufferedImage im = ImageIO.read(new File(a[0]));
        try (OutputStream out = new BufferedOutputStream(new FileOutputStream(a[1]))) {
            for (int y = 0; y < im.getHeight(); y++) for (int x = 0; x < im.getWidth(); x++) {
                int p = im.getRGB(x, y); out.write(p >> 16 & 255); out.write(p >> 8 & 255); out.write(p & 255);
            }
        }
    }
}
