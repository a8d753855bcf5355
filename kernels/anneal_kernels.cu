// anneal_kernels.cu: the one translation unit that becomes the CUDA module the JCuda backend loads
// (a fatbin with SASS for sm_80/86/89/90 and PTX for compute_90; see Makefile). Each concern lives in
// its own file; the kernel names are extern "C" so the host looks them up unmangled.
#include "gather.cu"
#include "matmul.cu"
#include "softmax_xent.cu"
#include "bias_grad.cu"
#include "sgd.cu"
#include "linear.cu"
#include "linear_xent.cu"
