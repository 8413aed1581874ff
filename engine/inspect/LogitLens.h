#pragma once

#include <cstddef>
#include <vector>

namespace glassbox::model
{
class Transformer;
}

namespace glassbox::inspect
{

class HiddenStateCapture;

// The logit lens: what the model would predict at `position` if the residual stream went straight
// to the output after each layer, i.e. the final norm and output head applied to every captured
// state of that position. Returns capture.states() rows of vocab logits, row l from the stream
// entering layer l; the last row equals the model's own logits there. Throws glassbox::Error when
// the position was not captured.
std::vector<float> logitLens(model::Transformer &model, const HiddenStateCapture &capture, std::size_t position);

} // namespace glassbox::inspect
