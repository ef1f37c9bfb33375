package dev.defensebench.data;

import java.util.ArrayList;
import java.util.List;

/**
 * One of the CIFAR binary distributions: its archive (with the checksum its authors publish), the folder
 * inside it, the batch files and their record counts, and the record layout (label bytes before the
 * 3072 pixel bytes; the last label byte is the class).
 *
 * @param name registry name
 * @param title human name, for messages
 * @param archive the archive and its checksum
 * @param batchDir the folder the archive extracts to
 * @param trainFiles training batch files, in order
 * @param testFile the test batch file
 * @param recordsPerTrainFile records in each training file
 * @param testRecords records in the test file
 * @param labelBytes label bytes per record (CIFAR-10: 1; CIFAR-100: 2, coarse then fine)
 * @param numClasses classes of the label read
 */
public record CifarFormat(
        String name,
        String title,
        RequiredFile archive,
        String batchDir,
        List<String> trainFiles,
        String testFile,
        long recordsPerTrainFile,
        long testRecords,
        int labelBytes,
        int numClasses) {

    /** Where the authors publish both archives. */
    public static final String ARCHIVE_BASE_URL = "https://www.cs.toronto.edu/~kriz/";

    /** CIFAR-10: five training batches of 10,000 and a test batch of 10,000; one label byte. */
    public static final CifarFormat CIFAR10 = new CifarFormat("cifar10", "CIFAR-10",
            new RequiredFile("cifar-10-binary.tar.gz", Checksum.md5("c32a1d4ab5d03f1284b67883e8d87530")),
            "cifar-10-batches-bin",
            List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"),
            "test_batch.bin", 10_000, 10_000, 1, 10);

    /** CIFAR-100: one training file of 50,000 and a test file of 10,000; coarse and fine label bytes (fine used). */
    public static final CifarFormat CIFAR100 = new CifarFormat("cifar100", "CIFAR-100",
            new RequiredFile("cifar-100-binary.tar.gz", Checksum.md5("03b5dce01913d631647c71ecec9e9cb8")),
            "cifar-100-binary", List.of("train.bin"), "test.bin", 50_000, 10_000, 2, 100);

    /** Bytes per record: the label bytes and a 3×32×32 image. */
    public int recordBytes() {
        return labelBytes + CifarBinaryReader.IMAGE_BYTES;
    }

    /** Every batch file, training files first. */
    public List<String> allFiles() {
        List<String> all = new ArrayList<>(trainFiles);
        all.add(testFile);
        return all;
    }

    /** The expected size of {@code file} (one of {@link #allFiles}). */
    public long expectedBytes(String file) {
        return (file.equals(testFile) ? testRecords : recordsPerTrainFile) * recordBytes();
    }

    /** The same layout with another archive checksum and record counts (tests use tiny files). */
    public CifarFormat with(RequiredFile otherArchive, long trainRecordsEach, long testRecordCount) {
        return new CifarFormat(name, title, otherArchive, batchDir, trainFiles, testFile, trainRecordsEach,
                testRecordCount, labelBytes, numClasses);
    }
}
