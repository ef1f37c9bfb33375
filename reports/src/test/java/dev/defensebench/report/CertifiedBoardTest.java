package dev.defensebench.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certified rows get a column per certifier and norm on the board and a curve on the entry pages, and take
 * no part in the attack numbers (ranking, optimality): the same board with and without them agrees there.
 */
class CertifiedBoardTest {

    private static final Instant WHEN = Instant.parse("2026-12-07T03:00:00Z");

    @TempDir
    Path dir;

    private static ResultRow certified(ResultRow like, String certifier, String label, String norm, double eps, double acc) {
        WilsonInterval ci = WilsonInterval.ofFraction(acc, like.samples());
        return ResultRow.from(like).attack(certifier).norm(norm).epsilon(eps).robustAccuracy(acc).robustCi(ci)
                .rho2(Double.NaN).attackSeconds(3.0).attackParams("{\"seed\":0}").access(ResultRow.WHITE_BOX)
                .attackImagesPerSecond(Double.NaN).attackLabel(label).attackTraits(ResultRow.CERTIFIED)
                .abstentions(norm.equals("L2") ? 12 : Double.NaN).build();
    }

    @Test
    void certifiedColumnsAndCurvesLeaveTheAttackBoardAlone() throws IOException {
        Path plain = SiteFixture.write(dir.resolve("plain"), SiteFixture.ENTRIES, true, true, false, 1, 1, WHEN);
        Path withCertified = SiteFixture.write(dir.resolve("certified"), SiteFixture.ENTRIES, true, true, false, 1, 1, WHEN);
        Path csv = withCertified.resolve(OutputLayout.RESULTS);
        List<ResultRow> rows = new ArrayList<>(ResultsCsv.read(csv));
        List<ResultRow> cleanRows = rows.stream().filter(ResultRow::isClean).toList();
        for (ResultRow clean : cleanRows) {
            for (double eps : new double[] {0.1, 0.3}) {
                rows.add(certified(clean, "ibp", "IBP", "Linf", eps, 0.4 - eps));
            }
            rows.add(certified(clean, "randomized-smoothing", "Randomized smoothing", "L2", 0.5, 0.61));
        }
        ResultsCsv.write(csv, rows);
        Files.setLastModifiedTime(csv, java.nio.file.attribute.FileTime.from(WHEN));

        Site.write(ResultSet.read(plain), List.of(), dir.resolve("site-plain"), WHEN);
        Site.write(ResultSet.read(withCertified), List.of(), dir.resolve("site"), WHEN);

        ObjectMapper json = new ObjectMapper();
        JsonNode a = json.readTree(dir.resolve("site-plain").resolve(Site.SUMMARY).toFile());
        JsonNode b = json.readTree(dir.resolve("site").resolve(Site.SUMMARY).toFile());
        assertThat(b.get("boards")).isEqualTo(a.get("boards"));
        assertThat(b.get("attack_optimality")).isEqualTo(a.get("attack_optimality"));

        String index = Files.readString(dir.resolve("site").resolve(Site.INDEX));
        String first = cleanRows.get(0).model();
        assertThat(index).contains("Certified ℓ∞ (IBP)<br>ε=0.3", "Certified ℓ2 (Randomized smoothing)<br>ε=0.5",
                ">10.00%<", ">61.00%<", "abstained on 12");
        assertThat(Files.readString(dir.resolve("site-plain").resolve(Site.INDEX))).doesNotContain("Certified ℓ");
        String page;
        try (var pages = Files.list(dir.resolve("site").resolve(Site.ENTRIES))) {
            Path p = pages.filter(f -> f.getFileName().toString().startsWith(first.replace('/', '-'))).findFirst().orElseThrow();
            page = Files.readString(p);
        }
        assertThat(page).contains("certified: IBP", "certified: Randomized smoothing");
        assertThat(ResultsCsv.read(dir.resolve("site").resolve(OutputLayout.RESULTS))).hasSize(rows.size());
    }
}
