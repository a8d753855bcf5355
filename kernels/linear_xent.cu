// linear_xent.cu: kernel variant 2 of the classifier head: the last Linear layer (few classes) fused with
// softmax + cross-entropy + its gradient (variant 1: matmul_forward + softmax_xent, then
// matmul_backward_input for the layer's input gradient) and with that input gradient.
//
// One warp per row; lane l holds the logits of classes l, l + 32, ... (XENT_SLOTS of them, so at most
// XENT_MAX_CLASSES classes; the host falls back to variant 1 for more). For a row x (k inputs) and label y:
//   z_c     = sum_p x_p W[c][p] + bias_c                       (the warp splits p, then a shuffle sum)
//   loss    = log(sum_c exp(z_c - max z)) + max z - z_y         (PyTorch F.cross_entropy, per row)
//   d_c     = (softmax(z)_c - onehot(y)_c) / gradRows           (gradient of the batch mean), into dlogits
//   dX_p    = sum_c d_c W[c][p], zeroed where x_p <= 0          (ReLU backward: x is the ReLU output below)
//   correct = argmax_c z_c == y (the first maximum on ties, as torch.argmax)
// Lane 0 adds lossWeight * loss and correct to stats[0..1] (and stepStats when not null). The label of row r
// is labels[labelRows[*labelOffset + r]] when labelRows is not null (a training batch through the epoch
// permutation), else labels[r] (evaluation, which passes dlogits = dX = null and lossWeight 1).
#include "common.cuh"

#define XENT_SLOTS 2
#define XENT_MAX_CLASSES (32 * XENT_SLOTS)
#define XENT_ROWS_PER_BLOCK (ANNEAL_BLOCK / 32)

__device__ inline float xent_warp_sum(float v) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

/** Grid ceil(rows / XENT_ROWS_PER_BLOCK) blocks of ANNEAL_BLOCK threads; classes <= XENT_MAX_CLASSES. */
extern "C" __global__ void __launch_bounds__(ANNEAL_BLOCK)
linear_softmax_xent(const float* __restrict__ X, const float* __restrict__ W, const float* __restrict__ bias,
                    const unsigned char* __restrict__ labels, const int* __restrict__ labelRows,
                    const int* __restrict__ labelOffset, float* __restrict__ dlogits, float* __restrict__ dX, int rows,
                    int classes, int k, int gradRows, double lossWeight, double* stats, double* stepStats) {
    __shared__ float dShared[XENT_ROWS_PER_BLOCK][XENT_MAX_CLASSES];
    const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
    const int row = blockIdx.x * XENT_ROWS_PER_BLOCK + warp;
    if (row >= rows) return;  // whole warps leave together: the shuffles below stay full-warp
    const float* x = X + (long long)row * k;
    float z[XENT_SLOTS];
    for (int s = 0; s < XENT_SLOTS; s++) z[s] = -INFINITY;
    for (int c = 0; c < classes; c++) {
        const float* w = W + (long long)c * k;
        float part = 0.0f;
        for (int p = lane; p < k; p += 32) part += x[p] * w[p];
        const float zc = xent_warp_sum(part) + (bias != nullptr ? bias[c] : 0.0f);
        if (c % 32 == lane) z[c / 32] = zc;
    }
    float best = -INFINITY;
    int bestIndex = classes;
    for (int s = 0; s < XENT_SLOTS; s++) {
        const int c = lane + 32 * s;
        if (c < classes && z[s] > best) {
            best = z[s];
            bestIndex = c;
        }
    }
    for (int o = 16; o > 0; o >>= 1) {  // argmax with the smallest index on ties; best ends as max z
        const float ov = __shfl_xor_sync(0xffffffffu, best, o);
        const int oi = __shfl_xor_sync(0xffffffffu, bestIndex, o);
        if (ov > best || (ov == best && oi < bestIndex)) {
            best = ov;
            bestIndex = oi;
        }
    }
    const float mx = best;
    float e[XENT_SLOTS], sum = 0.0f;
    for (int s = 0; s < XENT_SLOTS; s++) {
        e[s] = lane + 32 * s < classes ? expf(z[s] - mx) : 0.0f;
        sum += e[s];
    }
    sum = xent_warp_sum(sum);
    const int y = labels[labelRows != nullptr ? labelRows[*labelOffset + row] : row];
    if (dlogits != nullptr) {
        for (int s = 0; s < XENT_SLOTS; s++) {
            const int c = lane + 32 * s;
            if (c >= classes) continue;
            const float d = (e[s] / sum - (c == y ? 1.0f : 0.0f)) / (float)gradRows;
            dlogits[(long long)row * classes + c] = d;
            dShared[warp][c] = d;
        }
        __syncwarp();
        if (dX != nullptr)
            for (int p = lane; p < k; p += 32) {
                float g = 0.0f;
                for (int c = 0; c < classes; c++) g += dShared[warp][c] * W[(long long)c * k + p];
                dX[(long long)row * k + p] = x[p] > 0.0f ? g : 0.0f;
            }
    }
    // the label's logit, from the lane that holds it (every lane takes part in each shuffle)
    float zy = 0.0f;
    for (int s = 0; s < XENT_SLOTS; s++) {
        const float held = __shfl_sync(0xffffffffu, z[s], y % 32);
        if (y / 32 == s) zy = held;
    }
    if (lane == 0) {
        const double loss = (double)logf(sum) + (double)mx - (double)zy;
        const double correct = bestIndex == y ? 1.0 : 0.0;
        atomicAdd(&stats[0], lossWeight * loss);
        atomicAdd(&stats[1], correct);
        if (stepStats != nullptr) {
            atomicAdd(&stepStats[0], lossWeight * loss);
            atomicAdd(&stepStats[1], correct);
        }
    }
}
