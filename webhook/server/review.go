package server

import (
	"encoding/json"
	"errors"
	"fmt"

	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hami-project/hami/webhook/admission"
)

// ErrNotAReview is wrapped by DecodeReview's errors about the envelope.
var ErrNotAReview = errors.New("not an admission.k8s.io/v1 AdmissionReview with a request")

// DecodeReview reads an AdmissionReview and the pod it carries. It is
// lenient about unknown fields: a newer apiserver may send fields we do not
// know, and refusing them would refuse every pod. The pod is nil when the
// review is about another kind (the request is still returned, to answer).
func DecodeReview(body []byte) (*admissionv1.AdmissionRequest, *corev1.Pod, error) {
	var review admissionv1.AdmissionReview
	if err := json.Unmarshal(body, &review); err != nil {
		return nil, nil, fmt.Errorf("decode admission review: %w", err)
	}
	if review.APIVersion != admissionv1.SchemeGroupVersion.String() || review.Kind != "AdmissionReview" || review.Request == nil {
		return nil, nil, fmt.Errorf("%w (got apiVersion %q, kind %q)", ErrNotAReview, review.APIVersion, review.Kind)
	}
	req := review.Request
	if req.Kind.Group != "" || req.Kind.Kind != "Pod" {
		return req, nil, nil
	}
	pod := &corev1.Pod{}
	if err := json.Unmarshal(req.Object.Raw, pod); err != nil {
		return req, nil, fmt.Errorf("decode pod %s/%s: %w", req.Namespace, req.Name, err)
	}
	return req, pod, nil
}

// response turns a decision into the AdmissionResponse for request uid.
func response(req *admissionv1.AdmissionRequest, d admission.Decision) (*admissionv1.AdmissionResponse, error) {
	resp := &admissionv1.AdmissionResponse{UID: req.UID, Allowed: d.Result != admission.Refused, Warnings: d.Warnings}
	if d.Result == admission.Refused {
		resp.Result = refusal(d)
		return resp, nil
	}
	if len(d.Patch) == 0 {
		return resp, nil
	}
	patch, err := d.Patch.JSON()
	if err != nil {
		return nil, fmt.Errorf("encode patch: %w", err)
	}
	resp.Patch = patch
	resp.PatchType = ptrTo(admissionv1.PatchTypeJSONPatch)
	return resp, nil
}

// refusal is an Invalid status whose causes name each field, as the
// apiserver's own validation errors do, so kubectl shows them alike.
func refusal(d admission.Decision) *metav1.Status {
	st := &metav1.Status{
		Status:  metav1.StatusFailure,
		Code:    422,
		Reason:  metav1.StatusReasonInvalid,
		Message: d.Message(),
		Details: &metav1.StatusDetails{Kind: "Pod"},
	}
	for _, e := range d.Errors {
		st.Details.Causes = append(st.Details.Causes, metav1.StatusCause{
			Type: metav1.CauseType(e.Type), Message: e.ErrorBody(), Field: e.Field,
		})
	}
	return st
}

// failure answers a review whose pod could not be read.
func failure(req *admissionv1.AdmissionRequest, err error) *admissionv1.AdmissionResponse {
	return &admissionv1.AdmissionResponse{UID: req.UID, Allowed: false, Result: &metav1.Status{
		Status: metav1.StatusFailure, Code: 400, Reason: metav1.StatusReasonBadRequest, Message: err.Error(),
	}}
}

func encodeReview(resp *admissionv1.AdmissionResponse) ([]byte, error) {
	return json.Marshal(admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: admissionv1.SchemeGroupVersion.String(), Kind: "AdmissionReview"},
		Response: resp,
	})
}

func ptrTo[T any](v T) *T { return &v }
