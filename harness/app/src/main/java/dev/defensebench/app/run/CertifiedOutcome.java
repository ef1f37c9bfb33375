package dev.defensebench.app.run;

import dev.defensebench.spi.Certification;
import dev.defensebench.spi.Norm;
import java.util.List;

/**
 * One certifier entry's per-point result on the whole test subset: the input of its results.csv rows and
 * of the certified-versus-attacked cross-check.
 *
 * @param certifier the entry's name (the certifier id unless the entry names itself), e.g. "ibp"
 * @param displayName its display name, e.g. "IBP"
 * @param norm the norm of its balls
 * @param epsilons the entry's radius grid
 * @param certifiesModel whether the certificate is about the model itself (see {@link
 *     dev.defensebench.spi.Certifier#certifiesModel()})
 * @param result per point, the certified class and radius
 * @param seconds wall-clock time of the certification
 * @param paramsJson compact JSON of the certifier's parameters and seed
 */
public record CertifiedOutcome(String certifier, String displayName, Norm norm, List<Double> epsilons,
        boolean certifiesModel, Certification result, double seconds, String paramsJson) {

    public CertifiedOutcome {
        epsilons = List.copyOf(epsilons);
    }
}
