#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace glassbox {

// A read-only memory map of a whole file. Models are far larger than what we want to copy, and the
// page cache lets several loads of the same file share memory.
class MappedFile
{
public:
    explicit MappedFile(const std::string &path);
    ~MappedFile();
    MappedFile(const MappedFile &) = delete;
    MappedFile &operator=(const MappedFile &) = delete;

    const std::uint8_t *data() const { return m_data; }
    std::size_t size() const { return m_size; }
    const std::string &path() const { return m_path; }

private:
    std::string m_path;
    const std::uint8_t *m_data = nullptr;
    std::size_t m_size = 0;
#ifdef _WIN32
    void *m_file = nullptr;
    void *m_mapping = nullptr;
#endif
};

} // namespace glassbox
