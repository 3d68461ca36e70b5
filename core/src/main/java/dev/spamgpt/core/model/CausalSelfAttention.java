package dev.spamgpt.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.Dropout;

/**
 * Multi-head self-attention in which each position sees only itself and earlier positions: {@code
 * c_attn} projects to queries, keys and values at once, {@code c_proj} mixes the heads.
 */
public final class CausalSelfAttention extends FixedShapeBlock {

    /** Added to masked scores: exp() of it underflows to exactly 0, as with -inf. */
    public static final float MASKED = -1e9f;

    private final int nHeads;
    private final int headDim;
    private final float dropRate;
    private final Conv1D cAttn;
    private final Conv1D cProj;

    /**
     * Creates the layer.
     *
     * @param config the model size
     */
    public CausalSelfAttention(GptConfig config) {
        this.nHeads = config.nHeads();
        this.headDim = config.headDim();
        this.dropRate = config.dropRate();
        int c = config.embDim();
        cAttn = addChildBlock("c_attn", new Conv1D(c, 3 * c));
        cProj = addChildBlock("c_proj", new Conv1D(c, c));
    }

    /**
     * Attends.
     *
     * @param x input of shape (B, T, C)
     * @param training whether dropout is active
     * @return output of shape (B, T, C)
     */
    @Override
    public NDArray forward(NDArray x, boolean training) {
        return forward(x, null, training);
    }

    /**
     * Attends under a given mask, for rows that pack several texts: each position may then see only
     * the earlier positions of its own text.
     *
     * @param x input of shape (B, T, C)
     * @param mask added to the attention scores, broadcastable to (B, nh, T, T): 0 where a query
     *     may see a key, {@link #MASKED} where not; null for the plain causal mask
     * @param training whether dropout is active
     * @return output of shape (B, T, C)
     */
    public NDArray forward(NDArray x, NDArray mask, boolean training) {
        Shape s = x.getShape();
        long b = s.get(0);
        long t = s.get(1);
        long c = s.get(2);
        NDList qkv = cAttn.forward(x).split(3, 2); // 3 x (B, T, C)
        NDArray q = splitHeads(qkv.get(0), b, t); // (B, nh, T, hs)
        NDArray k = splitHeads(qkv.get(1), b, t);
        NDArray v = splitHeads(qkv.get(2), b, t);

        NDArray scores =
                q.matMul(k.transpose(0, 1, 3, 2))
                        .div(scalar(q, (float) Math.sqrt(headDim))); // (B, nh, T, T)
        NDArray att = scores.add(mask != null ? mask : causalMask(x.getManager(), t)).softmax(-1);
        att = dropout(att, training);
        NDArray y =
                att.matMul(v) // (B, nh, T, hs)
                        .transpose(0, 2, 1, 3) // (B, T, nh, hs)
                        .reshape(b, t, c);
        return dropout(cProj.forward(y), training);
    }

    /**
     * @return the query/key/value projection
     */
    public Conv1D cAttn() {
        return cAttn;
    }

    /**
     * @return the output projection
     */
    public Conv1D cProj() {
        return cProj;
    }

    private NDArray splitHeads(NDArray x, long b, long t) {
        return x.reshape(b, t, nHeads, headDim).transpose(0, 2, 1, 3);
    }

    /** (T, T): 0 where key position <= query position, a large negative number above. */
    private static NDArray causalMask(NDManager manager, long t) {
        NDArray pos = manager.arange(0, (int) t, 1, DataType.INT64);
        NDArray future = pos.reshape(1, t).gt(pos.reshape(t, 1));
        return future.toType(DataType.FLOAT32, false).mul(MASKED);
    }

    private NDArray dropout(NDArray x, boolean training) {
        return training && dropRate > 0 ? Dropout.dropout(x, dropRate, true).singletonOrThrow() : x;
    }
}
