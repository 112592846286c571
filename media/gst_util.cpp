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

void first_error::watch(GstElement* pipeline) {
  object_ptr<GstBus> bus{gst_element_get_bus(pipeline)};
  gst_bus_set_sync_handler(bus.get(), &first_error::on_message, this, nullptr);
}

std::string first_error::text() const {
  std::lock_guard lock{mutex_};
  return text_;
}

GstBusSyncReply first_error::on_message(GstBus*, GstMessage* message, gpointer data) {
  if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_ERROR) {
    auto* self = static_cast<first_error*>(data);
    GError* raw = nullptr;
    gst_message_parse_error(message, &raw, nullptr);
    error_ptr error{raw};
    std::lock_guard lock{self->mutex_};
    if (self->text_.empty())
      self->text_ = error ? error->message : self->fallback_;
  }
  return GST_BUS_DROP;
}

}  // namespace aethex::media::gst
