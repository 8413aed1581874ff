#include "LogitLens.h"

#include "HiddenStateCapture.h"
#include "model/Transformer.h"
#include "util/Error.h"

#include <string>

namespace glassbox::inspect
{

std::vector<float> logitLens(model::Transformer &model, const HiddenStateCapture &capture, std::size_t position)
{
    const std::size_t width = model.config().embedding;
    std::vector<float> states;
    states.reserve(capture.states() * width);
    for (std::size_t layer = 0; layer < capture.states(); ++layer) {
        const auto state = capture.state(layer, position);
        if (state.size() != width)
            throw Error("logit lens: no hidden state of this model was captured at position " + std::to_string(position));
        states.insert(states.end(), state.begin(), state.end());
    }
    if (states.empty())
        throw Error("logit lens: nothing was captured");
    return model.outputLogits(states);
}

} // namespace glassbox::inspect
