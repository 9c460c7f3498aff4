// SPDX-License-Identifier: MIT
#include "io/mapped_file.h"

#include "common/error.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tokenscope {

namespace {

// Closes the descriptor on every exit path; the mapping outlives it, as POSIX allows.
class Descriptor {
public:
    explicit Descriptor(int fd) : m_fd(fd) {}
    ~Descriptor() { if (m_fd >= 0) ::close(m_fd); }
    Descriptor(const Descriptor &) = delete;
    Descriptor &operator=(const Descriptor &) = delete;
    int get() const { return m_fd; }

private:
    int m_fd;
};

std::string systemError(const char *what)
{
    return std::string(what) + ": " + std::strerror(errno);
}

} // namespace

FileMapping mapFileReadOnly(const std::filesystem::path &path, std::size_t minimumSize, std::string_view purpose)
{
    const Descriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0)
        throw Error(path, systemError("cannot open"));

    struct stat info {};
    if (::fstat(fd.get(), &info) != 0)
        throw Error(path, systemError("cannot stat"));
    if (!S_ISREG(info.st_mode))
        throw Error(path, "is not a regular file");
    const auto size = static_cast<std::size_t>(info.st_size);
    if (size < minimumSize)
        throw Error(path, "file is " + std::to_string(size) + " bytes, too short for " + std::string(purpose)
                              + " (at least " + std::to_string(minimumSize) + ")");
    if (size == 0)
        return {};

    void *address = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd.get(), 0);
    if (address == MAP_FAILED)
        throw Error(path, systemError("cannot map into memory"));
    return {address, size};
}

void unmapFile(FileMapping mapping) noexcept
{
    if (mapping.address != nullptr)
        ::munmap(mapping.address, mapping.size);
}

} // namespace tokenscope
