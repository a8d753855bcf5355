// sgd.cu: ONE launch updates every parameter tensor with torch.optim.SGD's exact semantics.
//
// Parameters, gradients and momentum buffers each live in one contiguous device buffer, tensors in
// Parameters order [W0, b0, W1, b1, ...]. SgdLayout (set once per run) says where each tensor ends,
// which optimizer group it belongs to, and each group's dampening and Nesterov flag. SgdStep carries
// what a schedule may change every step: lr, momentum and weight decay per group (and whether the
// group's momentum buffers are being created: PyTorch creates them at the group's first step with
// momentum != 0). Both structs hold only 4-byte fields, so their layout has no padding; the host
// (anneal.backend.cuda.SgdArgs) packs them as int words and the harness checks the offsets. Per element, as PyTorch (and ReferenceOps.sgdUpdate):
//   g = grad + wd * p                        (when wd != 0)
//   buf = first ? g : momentum * buf + (1 - dampening) * g   (when momentum != 0)
//   g = nesterov ? g + momentum * buf : buf                  (when momentum != 0)
//   p = p - lr * g
// The _rn intrinsics keep nvcc from fusing multiply-adds, so each float operation rounds exactly as
// Java's (and PyTorch's CPU) float arithmetic: the update is bit-identical to the reference.
//
// Three ways to deliver SgdStep, profiled by gpu-check:
//   sgd_update          SgdStep as a kernel argument (default; also what a CUDA graph node updates)
//   sgd_update_scalars  SgdStep read from device memory that the host writes before each step
#include "common.cuh"

#define SGD_MAX_GROUPS 8
#define SGD_MAX_TENSORS 32

struct SgdLayout {
    int tensorEnd[SGD_MAX_TENSORS];    // exclusive end offset (in floats) of each tensor
    int tensorGroup[SGD_MAX_TENSORS];  // optimizer group of each tensor
    int tensors;
    float oneMinusDampening[SGD_MAX_GROUPS];
    int nesterov[SGD_MAX_GROUPS];
};

struct SgdStep {
    float lr[SGD_MAX_GROUPS];
    float momentum[SGD_MAX_GROUPS];
    float weightDecay[SGD_MAX_GROUPS];  // PyTorch's coupled L2: g + weight_decay * p
    int firstStep[SGD_MAX_GROUPS];  // 1 on the group's step that creates its momentum buffers (buf = g)
};

__device__ inline void sgd_element(float* __restrict__ params, const float* __restrict__ grads,
                                   float* __restrict__ bufs, int i, const SgdLayout& layout, const SgdStep& step) {
    int t = 0;
    while (t < layout.tensors - 1 && i >= layout.tensorEnd[t]) t++;
    const int grp = layout.tensorGroup[t];
    const float p = params[i];
    float g = grads[i];
    const float wd = step.weightDecay[grp];
    if (wd != 0.0f) g = __fadd_rn(g, __fmul_rn(wd, p));
    const float mom = step.momentum[grp];
    if (mom != 0.0f) {
        const float b = step.firstStep[grp] ? g
                                       : __fadd_rn(__fmul_rn(mom, bufs[i]), __fmul_rn(layout.oneMinusDampening[grp], g));
        bufs[i] = b;
        g = layout.nesterov[grp] ? __fadd_rn(g, __fmul_rn(mom, b)) : b;
    }
    params[i] = __fsub_rn(p, __fmul_rn(step.lr[grp], g));
}

/** Grid ceil(total / ANNEAL_BLOCK) blocks of ANNEAL_BLOCK threads; total = all parameter floats. */
extern "C" __global__ void sgd_update(float* params, const float* grads, float* bufs, int total,
                                      SgdLayout layout, SgdStep step) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < total) sgd_element(params, grads, bufs, i, layout, step);
}

/** As sgd_update, with SgdStep read from device memory (the "device scalar" lr delivery). */
extern "C" __global__ void sgd_update_scalars(float* params, const float* grads, float* bufs, int total,
                                              SgdLayout layout, const SgdStep* step) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < total) sgd_element(params, grads, bufs, i, layout, *step);
}
