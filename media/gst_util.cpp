#include "media/gst_util.hpp"

#include <stdexcept>
#include <string>

namespace aethex::media::gst {

pipeline_ptr launch(const char* description, const char* what) {
  if (!gst_is_initialized())
    gst_init(nullptr, nullptr);
  GError* raw_error = nullptr;
  GstElement* launched = gst_parse_launch(description, &raw_error);
  error_ptr error{raw_error};
  pipeline_ptr pipeline;
  if (launched)
    pipeline.reset(GST_ELEMENT(gst_object_ref_sink(launched)));
  // gst_parse_launch may return a pipeline and still report a (linking) error.
  if (error || !pipeline)
    throw std::runtime_error(error ? std::string{what} + ": " + error->message : what);
  return pipeline;
}

const char* missing_element(std::span<const char* const> names) {
  if (!gst_is_initialized())
    gst_init(nullptr, nullptr);
  for (const char* name : names) {
    GstElementFactory* factory = gst_element_factory_find(name);
    if (!factory)
      return name;
    gst_object_unref(factory);
  }
  return nullptr;
}

}  // namespace aethex::media::gst
