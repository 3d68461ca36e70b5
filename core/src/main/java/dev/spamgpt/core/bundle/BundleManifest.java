package dev.spamgpt.core.bundle;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.spamgpt.core.model.GptConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code manifest.json} of a model bundle: everything a deployable needs besides the weights, and
 * everything a person needs to know where the model came from.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
    "format",
    "format_version",
    "id",
    "version",
    "created_at",
    "architecture",
    "labels",
    "pooling",
    "max_length",
    "threshold",
    "tokenizer",
    "base_model",
    "dataset_sha256",
    "data_domain",
    "training",
    "metrics",
    "files"
})
public final class BundleManifest {

    /** The value of {@code format}. */
    public static final String FORMAT = "spamgpt-bundle";

    /** The format version this code reads and writes. */
    public static final int FORMAT_VERSION = 1;

    @JsonProperty("format")
    private String format = FORMAT;

    @JsonProperty("format_version")
    private int formatVersion = FORMAT_VERSION;

    @JsonProperty("id")
    private String id = "spamgpt";

    @JsonProperty("version")
    private String version = "0";

    @JsonProperty("created_at")
    private String createdAt;

    @JsonProperty("architecture")
    private Map<String, Object> architecture;

    @JsonProperty("labels")
    private Map<String, String> labels = defaultLabels();

    @JsonProperty("pooling")
    private String pooling = "last-token";

    @JsonProperty("max_length")
    private int maxLength;

    @JsonProperty("threshold")
    private double threshold = 0.5;

    @JsonProperty("tokenizer")
    private String tokenizer = "r50k_base";

    @JsonProperty("base_model")
    private Map<String, String> baseModel = new LinkedHashMap<>();

    @JsonProperty("dataset_sha256")
    private String datasetSha256;

    @JsonProperty("data_domain")
    private String dataDomain;

    @JsonProperty("training")
    private Map<String, Object> training = new LinkedHashMap<>();

    @JsonProperty("metrics")
    private Map<String, Object> metrics = new LinkedHashMap<>();

    @JsonProperty("files")
    private Map<String, String> files = new LinkedHashMap<>();

    /** Creates an empty manifest with the defaults (labels 0=ham 1=spam, threshold 0.5). */
    public BundleManifest() {}

    private static Map<String, String> defaultLabels() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("0", "ham");
        m.put("1", "spam");
        return m;
    }

    /**
     * @return {@code format}; {@value #FORMAT} for a bundle
     */
    public String format() {
        return format;
    }

    /**
     * @return {@code format_version}
     */
    public int formatVersion() {
        return formatVersion;
    }

    /**
     * @return the model's name, such as {@code spamgpt-sms}
     */
    public String id() {
        return id;
    }

    /**
     * @return the model's version, by default the UTC creation time {@code yyyyMMdd'T'HHmmss'Z'}
     */
    public String version() {
        return version;
    }

    /**
     * @return {@code id:version}, the value of the {@code spam.model} header
     */
    public String modelId() {
        return id + ":" + version;
    }

    /**
     * @return the ISO-8601 creation time
     */
    public String createdAt() {
        return createdAt;
    }

    /**
     * @return the architecture as Hugging Face config fields
     */
    public Map<String, Object> architecture() {
        return architecture;
    }

    /**
     * @return the architecture as a config
     */
    public GptConfig config() {
        return GptConfig.fromHfConfig(architecture);
    }

    /**
     * @return class index (as a string) to label name
     */
    public Map<String, String> labels() {
        return labels;
    }

    /**
     * @return {@code last-token} or {@code book}
     */
    public String pooling() {
        return pooling;
    }

    /**
     * @return the most tokens a text is scored on; with book pooling also the padded length
     */
    public int maxLength() {
        return maxLength;
    }

    /**
     * @return the spam probability at or above which a text is spam
     */
    public double threshold() {
        return threshold;
    }

    /**
     * @return the tokenizer id, {@code r50k_base}
     */
    public String tokenizer() {
        return tokenizer;
    }

    /**
     * @return {@code id} and {@code sha256} of the base model, or {@code random:<config>}
     */
    public Map<String, String> baseModel() {
        return baseModel;
    }

    /**
     * @return sha256 of the data set the model was trained on
     */
    public String datasetSha256() {
        return datasetSha256;
    }

    /**
     * @return {@code sms}, {@code mail} or {@code mixed} as written, or null if not recorded
     */
    public String dataDomain() {
        return dataDomain;
    }

    /**
     * @return the training data's domain, {@link DataDomain#UNKNOWN} for a bundle from before the
     *     field existed or with a value this code does not know
     */
    public DataDomain domain() {
        return DataDomain.parseOrUnknown(dataDomain);
    }

    /**
     * @return training settings (trainable layers, epochs, learning rate, seed, device ...)
     */
    public Map<String, Object> training() {
        return training;
    }

    /**
     * @return the metrics of {@code metrics.json}
     */
    public Map<String, Object> metrics() {
        return metrics;
    }

    /**
     * @return file name to sha256 of every file of the bundle but the manifest
     */
    public Map<String, String> files() {
        return files;
    }

    /**
     * @param value the model's name
     * @return this
     */
    public BundleManifest id(String value) {
        this.id = value;
        return this;
    }

    /**
     * @param value the model's version
     * @return this
     */
    public BundleManifest version(String value) {
        this.version = value;
        return this;
    }

    /**
     * @param value ISO-8601 creation time
     * @return this
     */
    public BundleManifest createdAt(String value) {
        this.createdAt = value;
        return this;
    }

    /**
     * @param value the architecture
     * @return this
     */
    public BundleManifest architecture(GptConfig value) {
        this.architecture = value.toHfConfig();
        return this;
    }

    /**
     * @param value {@code last-token} or {@code book}
     * @return this
     */
    public BundleManifest pooling(String value) {
        this.pooling = value;
        return this;
    }

    /**
     * @param value the most tokens a text is scored on
     * @return this
     */
    public BundleManifest maxLength(int value) {
        this.maxLength = value;
        return this;
    }

    /**
     * @param value the decision threshold
     * @return this
     */
    public BundleManifest threshold(double value) {
        this.threshold = value;
        return this;
    }

    /**
     * @param id the base model's hub id or path
     * @param sha256 the sha256 of its weights file, or null
     * @return this
     */
    public BundleManifest baseModel(String id, String sha256) {
        this.baseModel = new LinkedHashMap<>();
        baseModel.put("id", id);
        if (sha256 != null) {
            baseModel.put("sha256", sha256);
        }
        return this;
    }

    /**
     * @param value sha256 of the training data set
     * @return this
     */
    public BundleManifest datasetSha256(String value) {
        this.datasetSha256 = value;
        return this;
    }

    /**
     * @param value the training data's domain
     * @return this
     */
    public BundleManifest dataDomain(DataDomain value) {
        this.dataDomain = value == null || value == DataDomain.UNKNOWN ? null : value.wireName();
        return this;
    }

    /**
     * @param value training settings
     * @return this
     */
    public BundleManifest training(Map<String, Object> value) {
        this.training = new LinkedHashMap<>(value);
        return this;
    }

    /**
     * @param value the metrics
     * @return this
     */
    public BundleManifest metrics(Map<String, Object> value) {
        this.metrics = new LinkedHashMap<>(value);
        return this;
    }

    BundleManifest files(Map<String, String> value) {
        this.files = new LinkedHashMap<>(value);
        return this;
    }
}
