# SPDX-License-Identifier: MIT
# TokenScope's own CUDA kernels (core/cuda). Two questions, answered apart:
#  - can we compile them? (nvcc present) -> TOKENSCOPE_CUDA_KERNELS; the CPU CI compiles them too,
#    so a kernel that stops compiling turns CI red even on machines without a GPU;
#  - can the engine use them? (LibTorch built with CUDA) -> TOKENSCOPE_TORCH_CUDA, decided after
#    find_package(Torch) by tokenscope_detect_torch_cuda().
# Include before find_package(Torch): a CUDA LibTorch enables the language itself, and the
# architecture must be chosen first.

set(TOKENSCOPE_CUDA_KERNELS "AUTO" CACHE STRING "Compile the CUDA kernels: AUTO (when nvcc is found), ON, OFF")
set_property(CACHE TOKENSCOPE_CUDA_KERNELS PROPERTY STRINGS AUTO ON OFF)

if(NOT TOKENSCOPE_CUDA_KERNELS STREQUAL "OFF")
  if(NOT DEFINED CMAKE_CUDA_COMPILER AND NOT DEFINED ENV{CUDACXX} AND EXISTS /usr/local/cuda/bin/nvcc)
    set(CMAKE_CUDA_COMPILER /usr/local/cuda/bin/nvcc)
  endif()
  include(CheckLanguage)
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    # Hopper (H100/H200) unless the user names others; nvcc 13 builds nothing older than sm_75.
    if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
      set(CMAKE_CUDA_ARCHITECTURES 90)
    endif()
    if(TOKENSCOPE_CCACHE AND NOT CMAKE_CUDA_COMPILER_LAUNCHER)
      set(CMAKE_CUDA_COMPILER_LAUNCHER ${TOKENSCOPE_CCACHE})
    endif()
    enable_language(CUDA)
    set(TOKENSCOPE_HAVE_NVCC ON)
  elseif(TOKENSCOPE_CUDA_KERNELS STREQUAL "ON")
    message(FATAL_ERROR "TOKENSCOPE_CUDA_KERNELS=ON but no CUDA compiler was found (set CUDACXX or put nvcc on PATH)")
  endif()
endif()
add_feature_info(CudaKernels TOKENSCOPE_HAVE_NVCC "TokenScope's CUDA kernels compiled with nvcc")

# After find_package(Torch): does this LibTorch run on CUDA (the pip torch of a GPU machine), or is
# it a CPU build (Debian's 1.13)?
function(tokenscope_detect_torch_cuda)
  if(TARGET torch_cuda OR TORCH_CUDA_LIBRARIES)
    set(torchCuda ON)
  else()
    set(torchCuda OFF)
  endif()
  set(TOKENSCOPE_TORCH_CUDA ${torchCuda} PARENT_SCOPE)
  add_feature_info(TorchCuda torchCuda "LibTorch with CUDA: the engine runs on the GPU")
  if(torchCuda AND NOT TOKENSCOPE_HAVE_NVCC)
    message(WARNING "LibTorch has CUDA but nvcc was not found: the GPU path runs without TokenScope's kernels")
  endif()
endfunction()
