#pragma once

#include <stdexcept>
#include <string>

namespace glassbox {

// Every engine failure the user can cause (bad file, unsupported feature, device trouble) is an
// Error with a message meant to be shown as is.
class Error : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

} // namespace glassbox
